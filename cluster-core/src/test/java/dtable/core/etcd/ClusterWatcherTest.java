package dtable.core.etcd;

import static dtable.core.etcd.EtcdTestKeys.delete;
import static dtable.core.etcd.EtcdTestKeys.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.EtcdKeys;
import dtable.core.cluster.NodeInfo;
import dtable.core.cluster.SlaveInfo;
import dtable.testsupport.EtcdExtension;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The watcher against a real etcd: initial read, every change in order, bad values, compaction. */
@Tag("integration")
class ClusterWatcherTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String NODE_JSON =
            "{\"node_id\":\"node-1\",\"node_url\":\"http://a:5000\",\"local_node_url\":\"http://127.0.0.1:5000\","
                    + "\"started_at\":\"2026-01-01T00:00:00Z\"}";

    /** Per test (JUnit makes an instance per test, after the class's etcd started): a client and a fresh namespace. */
    private final Client client = EtcdClients.connect(etcd.endpoints());
    private final EtcdKeys keys = EtcdTestKeys.freshNamespace();

    @AfterEach
    void tearDown() {
        client.close();
    }

    @Test
    void initialReadReflectsEverythingAlreadyInTheNamespace() throws Exception {
        put(client, keys.node("node-1"), NODE_JSON);
        put(client, keys.slave("slave-1"), "{\"node_id\":\"slave-1\",\"local_node_url\":\"http://127.0.0.1:4000\"}");
        put(client, keys.draining("node-1"), ClusterJson.drainingSince(java.time.Instant.EPOCH));
        long assigned = put(client, keys.assign(Bucket.of("3f")), "node-1");
        long last = put(client, "/elsewhere/" + keys.namespace(), "not ours");

        try (ClusterWatcher watcher = ClusterWatcher.start(client, keys)) {
            assertThat(watcher.awaitReady(WAIT)).isTrue();
            BucketMap map = watcher.current();

            assertThat(map.revision()).isGreaterThanOrEqualTo(last);
            assertThat(map.nodes()).containsOnlyKeys("node-1");
            assertThat(map.nodes().get("node-1").nodeUrl()).isEqualTo("http://a:5000");
            assertThat(map.slaves()).containsExactly(Map.entry("slave-1", new SlaveInfo("slave-1", "http://127.0.0.1:4000")));
            assertThat(map.draining()).containsExactly("node-1");
            assertThat(map.assignment()).containsExactly(Map.entry(Bucket.of("3f"), "node-1"));
            assertThat(map.token(Bucket.of("3f"))).isEqualTo(assigned);
            // the watch is established asynchronously after the first read (etcd's created notification)
            org.awaitility.Awaitility.await().atMost(WAIT).until(watcher::isFresh);
        }
    }

    @Test
    void listenersSeeEveryChangeInRevisionOrderAndTheFinalMapIsExact() throws Exception {
        try (ClusterWatcher watcher = ClusterWatcher.start(client, keys)) {
            assertThat(watcher.awaitReady(WAIT)).isTrue();
            List<BucketMap> seen = new CopyOnWriteArrayList<>();
            watcher.addListener(seen::add);

            Map<Bucket, String> expectedOwner = new HashMap<>();
            Map<Bucket, Long> expectedToken = new HashMap<>();
            long last = 0;
            for (int i = 0; i < 500; i++) {
                Bucket bucket = Bucket.of(i % Bucket.COUNT);
                String owner = "node-" + (i % 7);
                last = put(client, keys.assign(bucket), owner);
                expectedOwner.put(bucket, owner);
                expectedToken.put(bucket, last);
            }

            BucketMap finalMap = watcher.awaitRevision(last, WAIT);
            assertThat(finalMap.revision()).isEqualTo(last);
            assertThat(finalMap.assignment()).isEqualTo(expectedOwner);
            for (Bucket bucket : Bucket.all()) {
                assertThat(finalMap.token(bucket)).as("token of %s", bucket).isEqualTo(expectedToken.get(bucket));
            }
            long finalRevision = last;
            await().atMost(WAIT).until(() -> !seen.isEmpty() && seen.get(seen.size() - 1).revision() == finalRevision);
            List<Long> revisions = new ArrayList<>(seen.stream().map(BucketMap::revision).toList());
            assertThat(revisions).isSorted().doesNotHaveDuplicates();
            // every put produced a revision; batched responses may merge some, none may be skipped in content
            assertThat(seen.get(seen.size() - 1)).isSameAs(watcher.current());
        }
    }

    @Test
    void deletesAreAppliedAndMalformedValuesAreSkipped() throws Exception {
        try (ClusterWatcher watcher = ClusterWatcher.start(client, keys)) {
            assertThat(watcher.awaitReady(WAIT)).isTrue();
            put(client, keys.node("node-1"), NODE_JSON);
            put(client, keys.node("node-2"), "this is not json");
            put(client, keys.assign(Bucket.of("00")), "node-1");
            put(client, keys.assignPrefix() + "zz", "node-1");
            long revision = put(client, keys.draining("node-1"), "{}");
            BucketMap map = watcher.awaitRevision(revision, WAIT);
            assertThat(map.nodes()).containsOnlyKeys("node-1");
            assertThat(map.assignment()).containsOnlyKeys(Bucket.of("00"));
            assertThat(map.draining()).containsExactly("node-1");

            delete(client, keys.node("node-1"));
            delete(client, keys.draining("node-1"));
            revision = delete(client, keys.assign(Bucket.of("00")));
            map = watcher.awaitRevision(revision, WAIT);
            assertThat(map.nodes()).isEmpty();
            assertThat(map.draining()).isEmpty();
            assertThat(map.assignment()).isEmpty();
            assertThat(map.ownerInfo(Bucket.of("00"))).isNull();
        }
    }

    @Test
    void aWatchThatFellBehindACompactionReadsTheNamespaceAgain() throws Exception {
        try (ClusterWatcher watcher = ClusterWatcher.start(client, keys)) {
            assertThat(watcher.awaitReady(WAIT)).isTrue();
            long firstChange = put(client, keys.assign(Bucket.of("01")), "node-1");
            put(client, keys.assign(Bucket.of("01")), "node-2");
            long last = put(client, keys.node("node-2"), NODE_JSON.replace("node-1", "node-2"));
            watcher.awaitRevision(last, WAIT);
            client.getKVClient().compact(last).get(5, TimeUnit.SECONDS);
            long relistsBefore = watcher.relistCount();

            // as after a long outage: resume from a revision etcd no longer has
            watcher.restartWatchFrom(firstChange);
            long after = put(client, keys.assign(Bucket.of("02")), "node-2");

            BucketMap map = watcher.awaitRevision(after, WAIT);
            assertThat(watcher.relistCount()).isEqualTo(relistsBefore + 1);
            assertThat(map.assignment()).containsOnly(Map.entry(Bucket.of("01"), "node-2"), Map.entry(Bucket.of("02"), "node-2"));
            assertThat(map.nodes()).containsOnlyKeys("node-2");
            assertThat(map.nodes().get("node-2")).isEqualTo(
                    new NodeInfo("node-2", "http://a:5000", "http://127.0.0.1:5000", "2026-01-01T00:00:00Z"));
            await().atMost(WAIT).until(watcher::isFresh);
        }
    }

    @Test
    void aListenerAddedLateFirstGetsTheCurrentSnapshot() throws Exception {
        long revision = put(client, keys.assign(Bucket.of("ff")), "node-9");
        try (ClusterWatcher watcher = ClusterWatcher.start(client, keys)) {
            watcher.awaitRevision(revision, WAIT);
            List<BucketMap> seen = new CopyOnWriteArrayList<>();
            watcher.addListener(seen::add);
            await().atMost(WAIT).until(() -> seen.size() == 1);
            assertThat(seen.get(0).owner(Bucket.of("ff"))).isEqualTo("node-9");
        }
    }
}
