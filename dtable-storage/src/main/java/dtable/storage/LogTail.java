package dtable.storage;

import dtable.model.stored.LoggedOperation;
import java.util.List;

/**
 * What one catch-up query saw of a base: its {@code dtables} row ({@code snapshot_version}, {@code deleted})
 * and the logged operations after a given version, in version order, as one consistent read.
 *
 * @param exists          false when there is no {@code dtables} row for the base
 * @param snapshotVersion the version of the stored snapshot
 * @param deleted         the base was deleted
 * @param operations      operations with a version above the asked one, ascending; may have holes only
 *                        where the log was purged or an append is still in flight
 */
public record LogTail(boolean exists, long snapshotVersion, boolean deleted, List<LoggedOperation> operations) {

    public LogTail {
        operations = List.copyOf(operations);
    }

    public static LogTail missing() {
        return new LogTail(false, 0, false, List.of());
    }
}
