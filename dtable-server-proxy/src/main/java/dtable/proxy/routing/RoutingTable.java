package dtable.proxy.routing;

import dtable.core.cluster.BucketMap;
import java.util.concurrent.CompletableFuture;

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
     * A future completed with the next snapshot whose content differs from the one current at the
     * time of the call. Shared between callers: never complete or cancel it yourself (wrap it with
     * {@code Mono.fromFuture(future, true)}). Take the future <em>before</em> reading
     * {@link #current()} so that a change in between is not missed.
     */
    CompletableFuture<BucketMap> nextChange();
}
