package dtable.proxy.routing;

import dtable.core.cluster.BucketMap;
import java.util.function.Consumer;

/**
 * The proxy's view of who owns which bucket: an immutable {@link BucketMap} snapshot read per
 * request, never etcd itself. Implementations are thread-safe and never block.
 */
public interface RoutingTable {

    /** The latest snapshot; {@link BucketMap#empty()} before the first read of etcd. */
    BucketMap current();

    /** True once a snapshot of the whole namespace has been read. */
    boolean isReady();

    /**
     * Calls {@code listener} with every later snapshot whose content changed, on a thread of the
     * table's own, one snapshot at a time; {@link #current()} already returns it by then.
     */
    void onChange(Consumer<BucketMap> listener);
}
