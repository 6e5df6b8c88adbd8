package dtable.monitor.assignment;

import dtable.core.cluster.BucketMap;
import dtable.core.etcd.ClusterWatcher;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** {@link ClusterSnapshots} over cluster-core's {@link ClusterWatcher} plus the namespace revision read. */
public record WatcherSnapshots(ClusterWatcher watcher, EtcdMapStore store) implements ClusterSnapshots {

    @Override
    public BucketMap current() {
        return watcher.current();
    }

    @Override
    public boolean awaitRevision(long revision, Duration timeout) {
        return waited(() -> watcher.awaitRevision(revision, timeout));
    }

    @Override
    public boolean awaitGeneration(long generation, Duration timeout) {
        return waited(() -> watcher.awaitGeneration(generation, timeout));
    }

    @Override
    public long headRevision() {
        return store.namespaceRevision();
    }

    /** True if {@code wait} returned in time; false on its timeout or an interrupt (which stays set). */
    private static boolean waited(Wait wait) {
        try {
            wait.run();
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One of the watcher's bounded waits. */
    @FunctionalInterface
    private interface Wait {
        void run() throws InterruptedException, TimeoutException;
    }
}
