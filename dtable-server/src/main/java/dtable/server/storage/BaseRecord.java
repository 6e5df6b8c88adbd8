package dtable.server.storage;

/**
 * One row of {@code dtables}. {@code snapshot} is the gzip JSON of the base at {@code snapshotVersion}
 * (null for a base that has never been snapshotted: then it is empty at version 0).
 */
public record BaseRecord(String dtableUuid, String ownerNode, long ownerEpoch, long assignRev, byte[] snapshot,
        long snapshotVersion, int rowCount, boolean deleted) {
}
