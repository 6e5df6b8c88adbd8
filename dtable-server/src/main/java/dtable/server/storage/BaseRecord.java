package dtable.server.storage;

/**
 * One base as stored: its {@code dtables} row and its snapshot from {@code dtable_snapshots}. {@code snapshot}
 * is the gzip JSON of the base at {@code snapshotVersion} (null for a base that has never been snapshotted:
 * then it is empty at version 0), or null in a header read ({@link BaseStorage#findHeader}).
 */
public record BaseRecord(String dtableUuid, String ownerNode, long ownerEpoch, long assignRev, byte[] snapshot,
        long snapshotVersion, int rowCount, boolean deleted) {
}
