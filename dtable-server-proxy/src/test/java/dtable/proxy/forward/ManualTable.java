package dtable.proxy.forward;

import dtable.core.cluster.BucketMap;
import dtable.proxy.routing.RoutingTable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A routing table a test sets; listeners are called at once, as the watcher's thread would. */
final class ManualTable implements RoutingTable {
    private volatile BucketMap current = BucketMap.empty();
    private final List<Consumer<BucketMap>> listeners = new CopyOnWriteArrayList<>();

    void set(BucketMap map) {
        current = map;
        listeners.forEach(listener -> listener.accept(map));
    }

    @Override
    public BucketMap current() {
        return current;
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void onChange(Consumer<BucketMap> listener) {
        listeners.add(listener);
    }
}
