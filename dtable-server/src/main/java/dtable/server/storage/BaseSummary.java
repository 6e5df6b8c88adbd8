package dtable.server.storage;

/**
 * One base in a listing: its row count and version as of its last snapshot (the log may be ahead),
 * and when it was created and last snapshotted (epoch milliseconds).
 */
public record BaseSummary(String dtableUuid, int rowCount, long snapshotVersion, long createdAt, long updatedAt) {
}
