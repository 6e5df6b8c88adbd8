package dtable.slave.storage;

/**
 * The snapshot columns of one {@code dtables} row: the gzip JSON of the base at {@code snapshotVersion}
 * ({@code null} for a base never snapshotted, which is then empty at version 0).
 */
public record StoredSnapshot(String dtableUuid, byte[] gzipJson, long snapshotVersion, boolean deleted) {
}
