package dtable.server.storage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import javax.sql.DataSource;

/**
 * The {@link OperationLog} in MySQL: the durable, fenced, group-committed append path of
 * {@code operation_log} (SPEC §5).
 *
 * <p>Appends go to one of {@code writers} {@link LogWriter}s, chosen by the base's UUID, so every
 * operation of a base goes through the same writer (one queue, one thread, batches committed in order)
 * and keeps its order, while batches of different bases commit side by side and MySQL flushes their
 * commits together. Each writer's batch re-checks the ownership epoch of every base in it inside its
 * transaction (fencing, see {@link LogWriter}); writers never touch the same {@code dtables} row.
 */
public final class MysqlOperationLog implements OperationLog {

    private final LogWriter[] writers;

    /** One writer. */
    public MysqlOperationLog(DataSource dataSource, int maxBatch, long lingerMillis, LongConsumer batchSizeRecorder) {
        this(dataSource, 1, maxBatch, lingerMillis, batchSizeRecorder);
    }

    public MysqlOperationLog(DataSource dataSource, int writers, int maxBatch, long lingerMillis,
            LongConsumer batchSizeRecorder) {
        this(dataSource, writers, maxBatch, lingerMillis, batchSizeRecorder, nanos -> { });
    }

    /**
     * @param batchSizeRecorder   gets the operations of each batch sent to MySQL
     * @param commitNanosRecorder gets, for each committed batch, the nanoseconds from taking its connection
     *                            to the end of its commit (the op-log commit latency)
     */
    public MysqlOperationLog(DataSource dataSource, int writers, int maxBatch, long lingerMillis,
            LongConsumer batchSizeRecorder, LongConsumer commitNanosRecorder) {
        long lingerNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, lingerMillis));
        this.writers = new LogWriter[Math.max(1, writers)];
        for (int i = 0; i < this.writers.length; i++) {
            this.writers[i] = new LogWriter("operation-log-writer-" + i, dataSource, maxBatch, lingerNanos,
                    batchSizeRecorder, commitNanosRecorder);
        }
    }

    @Override
    public CompletableFuture<Void> append(Append append) {
        return writers[Math.floorMod(append.dtableUuid().hashCode(), writers.length)].append(append);
    }

    @Override
    public int pending() {
        int pending = 0;
        for (LogWriter writer : writers) {
            pending += writer.pending();
        }
        return pending;
    }

    @Override
    public void close() {
        for (LogWriter writer : writers) {
            writer.stop();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            for (LogWriter writer : writers) {
                writer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
