package dtable.monitor;

import dtable.core.cluster.EtcdKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for dtable-server nodes in monitor tests: registers {@code nodes/{id}} with a lease of its
 * own and keeps it alive, as {@code NodeRegistration} would. {@link #kill} only stops the keep-alive
 * (as kill -9 would): etcd expires the key after the TTL.
 */
public final class FakeNodes implements AutoCloseable {

    private final Client client;
    private final EtcdKeys keys;
    private final Map<String, CloseableClient> keepAlives = new ConcurrentHashMap<>();

    public FakeNodes(Client client, EtcdKeys keys) {
        this.client = client;
        this.keys = keys;
    }

    /** Registers a node with a lease of {@code ttl}; returns once the key is written. */
    public void join(String nodeId, Duration ttl) throws Exception {
        long lease = client.getLeaseClient().grant(ttl.toSeconds()).get(5, TimeUnit.SECONDS).getID();
        String json = "{\"node_id\":\"" + nodeId + "\",\"node_url\":\"http://" + nodeId + ".test\","
                + "\"local_node_url\":\"http://" + nodeId + ".local\",\"started_at\":\"" + Instant.now() + "\"}";
        client.getKVClient().put(bytes(keys.node(nodeId)), bytes(json), PutOption.builder().withLeaseId(lease).build())
                .get(5, TimeUnit.SECONDS);
        keepAlives.put(nodeId, client.getLeaseClient().keepAlive(lease, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse value) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        }));
    }

    /** Stops the node's keep-alive without revoking: the crash case. Returns when it stopped. */
    public Instant kill(String nodeId) {
        CloseableClient keepAlive = keepAlives.remove(nodeId);
        if (keepAlive != null) {
            keepAlive.close();
        }
        return Instant.now();
    }

    @Override
    public void close() {
        keepAlives.values().forEach(CloseableClient::close);
        keepAlives.clear();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
