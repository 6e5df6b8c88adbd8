package dtable.monitor.assignment;

import dtable.core.cluster.BucketMap;
import dtable.core.etcd.ClusterWatcher;
import java.time.Duration;

/** {@link ClusterSnapshots} over cluster-core's {@link ClusterWatcher} plus a head-revision read. */
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
        return watcher.awaitRevision(revision, timeout);
    }

    @Override
    public long headRevision() {
        return store.headRevision();
    }
}
