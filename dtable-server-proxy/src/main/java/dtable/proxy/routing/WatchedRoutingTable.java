package dtable.proxy.routing;

import dtable.core.cluster.BucketMap;
import dtable.core.etcd.ClusterWatcher;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link RoutingTable} over the shared {@link ClusterWatcher}: snapshots come from its volatile
 * field; change futures are completed from its listener thread, which calls only when the content
 * changed. The future is swapped before the old one is completed, so a waiter that took the old
 * one and then read {@link #current()} either sees the new snapshot or is woken.
 */
public final class WatchedRoutingTable implements RoutingTable {

    private final ClusterWatcher watcher;
    /** Replaced on the watcher's listener thread; read from any thread. */
    private volatile CompletableFuture<BucketMap> nextChange = new CompletableFuture<>();

    public WatchedRoutingTable(ClusterWatcher watcher) {
        this.watcher = watcher;
        watcher.addListener(this::changed);
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
    public CompletableFuture<BucketMap> nextChange() {
        return nextChange;
    }

    /** Whether the snapshot is kept up to date right now (false while etcd is unreachable). */
    public boolean isFresh() {
        return watcher.isFresh();
    }

    private void changed(BucketMap map) {
        CompletableFuture<BucketMap> done = nextChange;
        nextChange = new CompletableFuture<>();
        done.complete(map);
    }
}
