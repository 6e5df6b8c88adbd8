package dtable.storage;

/**
 * The snapshot columns of one {@code dtables} row: the base at {@code snapshotVersion} in
 * {@link dtable.model.stored.SnapshotCodec}'s form ({@code null} for a base never snapshotted, which
 * is then empty at version 0).
 */
public record StoredSnapshot(String dtableUuid, byte[] gzipJson, long snapshotVersion, boolean deleted) {
}
