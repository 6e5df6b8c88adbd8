package dtable.proxy.routing;

import dtable.core.cluster.BucketMap;
import dtable.core.etcd.ClusterWatcher;
import java.util.function.Consumer;

/**
 * A {@link RoutingTable} over the shared {@link ClusterWatcher}: snapshots come from its volatile
 * field, change listeners run on its listener thread (it calls only when the content changed).
 */
public final class WatchedRoutingTable implements RoutingTable {

    private final ClusterWatcher watcher;

    public WatchedRoutingTable(ClusterWatcher watcher) {
        this.watcher = watcher;
    }

    @Override
    public BucketMap current() {
        return watcher.current();
    }

    @Override
    public boolean isReady() {
        return watcher.isReady();
    }

    @Override
    public void onChange(Consumer<BucketMap> listener) {
        watcher.addListener(listener);
    }

    /** Whether the snapshot is kept up to date right now (false while etcd is unreachable). */
    public boolean isFresh() {
        return watcher.isFresh();
    }
}
