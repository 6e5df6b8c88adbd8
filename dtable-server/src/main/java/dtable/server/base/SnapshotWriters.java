package dtable.server.base;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that serialise, gzip and store snapshots, several at once: a bucket move with k big
 * bases, or a maintenance round with k due snapshots, takes about the longest one rather than the
 * sum (a 1,000,000-row base takes about a second to serialise). Threads are daemons and time out
 * when idle, so an idle node holds none.
 */
public final class SnapshotWriters {

    private static final Logger log = LoggerFactory.getLogger(SnapshotWriters.class);

    private final ThreadPoolExecutor pool;

    public SnapshotWriters(int writers) {
        int n = Math.max(1, writers);
        this.pool = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name("snapshot-writer-", 0).daemon(true).factory());
        this.pool.allowCoreThreadTimeOut(true);
    }

    /** Two writers at least: one gzips while the other's bytes travel to MySQL. */
    public static int defaultWriters() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    public int writers() {
        return pool.getMaximumPoolSize();
    }

    /**
     * Runs {@code work} for every item on the writers and returns when all are done. A failure of one
     * item is logged and does not stop the others; an interrupt stops waiting (the work goes on).
     */
    public <T> void runAll(Collection<T> items, Consumer<T> work) {
        List<Future<?>> running = new ArrayList<>(items.size());
        for (T item : items) {
            running.add(pool.submit(() -> work.accept(item)));
        }
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (ExecutionException e) {
                log.warn("snapshot work failed: {}", e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
