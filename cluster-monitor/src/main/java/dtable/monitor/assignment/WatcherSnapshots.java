package dtable.monitor.assignment;

import dtable.core.cluster.BucketMap;
import dtable.core.etcd.ClusterWatcher;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** {@link ClusterSnapshots} over cluster-core's {@link ClusterWatcher} plus the namespace revision read. */
public final class WatcherSnapshots implements ClusterSnapshots {

    private final ClusterWatcher watcher;
    private final EtcdMapStore store;

    public WatcherSnapshots(ClusterWatcher watcher, EtcdMapStore store) {
        this.watcher = watcher;
        this.store = store;
    }

    @Override
    public BucketMap current() {
        return watcher.current();
    }

    @Override
    public boolean awaitRevision(long revision, Duration timeout) {
        try {
            watcher.awaitRevision(revision, timeout);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public boolean awaitGeneration(long generation, Duration timeout) {
        try {
            watcher.awaitGeneration(generation, timeout);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public long headRevision() {
        return store.namespaceRevision();
    }
}
