package dtable.server.storage;

import dtable.storage.StorageException;

import java.util.concurrent.CompletableFuture;

/**
 * Where a loaded base's operations become durable (SPEC §5), as Kafka's {@code PartitionWriter} is for
 * its coordinators: {@link MysqlOperationLog} in production, a manual log in unit tests and the node
 * simulation, which completes, fails or fences each append when the test says.
 *
 * <p>The contract the node core relies on, whatever is behind it:
 * <ul>
 *   <li>the appends of one base instance complete in the order they were queued, on one thread at a
 *       time, so a callback attached to {@link Append#done()} before the append is queued runs in
 *       version order;</li>
 *   <li>once an append of an instance failed, every later append of that instance fails too (the
 *       instance is dropped; its memory may be ahead of the log);</li>
 *   <li>an append completes normally only once its operation is committed under the epoch it carries;
 *       it fails with {@link FencedException} when the base's row names another owner or epoch, with
 *       {@link StorageException} when nothing was written (a refusal the caller may retry), and with
 *       {@link OutcomeUnknownException} when the write reached the database and may have committed.</li>
 * </ul>
 */
public interface OperationLog extends AutoCloseable {

    /**
     * One operation to append.
     *
     * @param instance identity of the in-memory base instance the operation was applied to; all
     *                 appends of one instance succeed in order or stop at the first failure
     * @param rowCount the base's row count after this operation (kept in {@code dtables.row_count})
     */
    record Append(Object instance, String dtableUuid, String nodeId, long epoch, long version, long opTime,
            String author, String app, String operation, int rowCount, CompletableFuture<Void> done) {
    }

    /** Queues an append; returns {@link Append#done()}, which completes when the operation is durable (or failed). */
    CompletableFuture<Void> append(Append append);

    /** Number of appends queued and not yet completed. */
    int pending();

    /** Stops taking appends (later ones fail as closed), writes what is queued, and waits for that. */
    @Override
    void close();
}
