package dtable.storage;

/**
 * A base's stored snapshot ({@code dtable_snapshots}) and its {@code dtables} row's deletion flag: the base
 * at {@code snapshotVersion} in {@link dtable.model.stored.SnapshotCodec}'s form ({@code null} for a base
 * never snapshotted, which is then empty at version 0).
 */
public record StoredSnapshot(String dtableUuid, byte[] gzipJson, long snapshotVersion, boolean deleted) {
}
