package dtable.proxy.forward;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.NodeInfo;
import dtable.proxy.routing.RoutingTable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A routing table a test sets; listeners are called at once, as the watcher's thread would. */
final class ManualTable implements RoutingTable {
    private volatile BucketMap current = BucketMap.empty();
    private final List<Consumer<BucketMap>> listeners = new CopyOnWriteArrayList<>();

    /** A map in which {@code nodeId} owns {@code bucket}: local port 9001 for node-1, else 9002, with this write port. */
    static BucketMap ownedBy(Bucket bucket, String nodeId, String writeUrl) {
        int port = nodeId.equals("node-1") ? 9001 : 9002;
        String url = "http://127.0.0.1:" + port + "/";
        return BucketMap.empty().toBuilder()
                .node(new NodeInfo(nodeId, url, url, "2026-01-01T00:00:00Z", List.of(), writeUrl))
                .owner(bucket, nodeId, 1).revision(1).build();
    }

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
