package dtable.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.EtcdKeys;
import dtable.core.cluster.NodeInfo;
import dtable.core.etcd.ClusterWatcher;
import dtable.core.etcd.EtcdClients;
import dtable.proxy.routing.ProxyPath;
import dtable.testsupport.EtcdExtension;
import io.etcd.jetcd.Client;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC §9's promise under load: while buckets move back and forth and a node is drained and leaves,
 * clients of the proxy see only 200s. The fake nodes behave like dtable-servers: each watches etcd
 * with its own {@link ClusterWatcher} (so nodes and proxy learn of a move at different moments),
 * answers 307 for buckets it does not own by its own view, and 503 while it "loads" a bucket it
 * just received.
 */
@Tag("integration")
class RebalanceIntegrationTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    private static final String PREFIX = "/rebalance-test/";
    private static final Duration LOADING = Duration.ofMillis(200);

    @Test
    void clientsSeeNoRedirectAndNo5xxWhileBucketsMoveAndANodeIsDrained() throws Exception {
        Client etcdClient = EtcdClients.connect(etcd.endpoints());
        List<OwningNode> nodes = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try (ProxyHarness proxy = ProxyHarness.start(etcd.endpoints(), PREFIX, Duration.ofSeconds(10),
                Optional.empty())) {
            for (String id : List.of("node-a", "node-b", "node-c")) {
                OwningNode node = new OwningNode(id, etcdClient);
                nodes.add(node);
                proxy.register(node.fake.info());
            }
            List<String> ids = nodes.stream().map(n -> n.fake.nodeId()).toList();
            proxy.awaitSeen(proxy.assignRoundRobin(ids));
            nodes.forEach(OwningNode::awaitLoaded);

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger completed = new AtomicInteger();
            List<Future<Map<Integer, Integer>>> results = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int seed = c;
                results.add(clients.submit(() -> load(proxy, seed, running, completed)));
            }

            // three full rotations: every bucket changes owner each round
            for (int round = 1; round <= 3; round++) {
                List<String> rotated = new ArrayList<>(ids.subList(round % 3, 3));
                rotated.addAll(ids.subList(0, round % 3));
                proxy.awaitSeen(proxy.assignRoundRobin(rotated));
                awaitMoreRequests(completed, 60); // traffic reaches the new owners before the next move
            }
            // drain node-c: its buckets go to a and b, then it leaves
            long revision = 0;
            for (Bucket bucket : Bucket.all()) {
                revision = proxy.assign(bucket, ids.get(bucket.index() % 2));
            }
            proxy.awaitSeen(revision);
            awaitMoreRequests(completed, 60);
            proxy.awaitSeen(proxy.unregister("node-c"));
            nodes.get(2).close();
            awaitMoreRequests(completed, 60);

            running.set(false);
            Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
            for (Future<Map<Integer, Integer>> result : results) {
                result.get().forEach((status, count) -> statuses.merge(status, count, Integer::sum));
            }
            System.out.printf("rebalance under load: %s, retries moved=%.0f unavailable=%.0f%n", statuses,
                    proxy.retries("moved"), proxy.retries("unavailable"));
            assertThat(statuses).as("status -> count").containsOnlyKeys(200);
            assertThat(statuses.get(200)).isGreaterThan(100);
            assertThat(proxy.retries("moved") + proxy.retries("unavailable")).as("moves were exercised")
                    .isPositive();
        } finally {
            clients.shutdownNow();
            nodes.forEach(OwningNode::close);
            etcdClient.close();
        }
    }

    private static void awaitMoreRequests(AtomicInteger completed, int more) {
        int target = completed.get() + more;
        await().atMost(Duration.ofSeconds(30)).until(() -> completed.get() >= target);
    }

    /** One client: GETs and POSTs on 64 bases until stopped; returns status counts. */
    private static Map<Integer, Integer> load(ProxyHarness proxy, int seed, AtomicBoolean running,
                                              AtomicInteger completed) {
        Random random = new Random(seed);
        List<BaseUuid> bases = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            bases.add(BaseUuid.parse(new UUID(random.nextLong(), random.nextLong()).toString()));
        }
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        for (int i = 0; running.get(); i++) {
            BaseUuid base = bases.get(random.nextInt(bases.size()));
            HttpRequest.Builder request = HttpRequest.newBuilder(proxy.uri("/api/v1/dtables/" + base + "/rows/"));
            if (i % 2 == 0) {
                request.GET();
            } else {
                request.POST(HttpRequest.BodyPublishers.ofString("{\"table_name\":\"T\",\"row\":{\"i\":" + i + "}}"));
            }
            HttpResponse<String> response = proxy.send(request);
            statuses.merge(response.statusCode(), 1, Integer::sum);
            completed.incrementAndGet();
        }
        return statuses;
    }

    /** A fake dtable-server that decides ownership from its own watch of etcd. */
    private static final class OwningNode implements AutoCloseable {
        private final FakeNode fake;
        private final ClusterWatcher watcher;
        /** When this node saw itself become owner of a bucket; written on the watcher's listener thread. */
        private final Map<Bucket, Long> ownedSince = new ConcurrentHashMap<>();

        OwningNode(String nodeId, Client etcdClient) {
            this.fake = FakeNode.start(nodeId);
            this.watcher = ClusterWatcher.start(etcdClient, new EtcdKeys(PREFIX));
            watcher.addListener(this::mapChanged);
            fake.respond((self, exchange, request, call) -> {
                Bucket bucket = ProxyPath.classify(ProxyPath.pathOf(request.uri())).uuid().bucket();
                BucketMap map = watcher.current();
                NodeInfo owner = map.ownerInfo(bucket);
                Long since = ownedSince.get(bucket);
                if (owner != null && !owner.nodeId().equals(self.nodeId())) {
                    FakeNode.moved(exchange, owner);
                } else if (owner == null || since == null || System.nanoTime() - since < LOADING.toNanos()) {
                    FakeNode.unavailable(exchange);
                } else {
                    FakeNode.echo(self, exchange, request, call);
                }
            });
        }

        private void mapChanged(BucketMap map) {
            long now = System.nanoTime();
            for (Bucket bucket : Bucket.all()) {
                if (fake.nodeId().equals(map.owner(bucket))) {
                    ownedSince.putIfAbsent(bucket, now);
                } else {
                    ownedSince.remove(bucket);
                }
            }
        }

        /** Waits until this node owns its share of the first assignment and has "loaded" all of it. */
        void awaitLoaded() {
            await().atMost(Duration.ofSeconds(10)).until(() -> ownedSince.size() >= 85
                    && ownedSince.values().stream().allMatch(since -> System.nanoTime() - since > LOADING.toNanos()));
        }

        @Override
        public void close() {
            watcher.close();
            fake.close();
        }
    }
}
