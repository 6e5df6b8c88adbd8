package dtable.core.etcd;

import static dtable.core.etcd.EtcdTestKeys.bytes;
import static dtable.core.etcd.EtcdTestKeys.get;
import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.EtcdKeys;
import dtable.testsupport.EtcdExtension;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.election.LeaderKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Leader-guarded writes of the bucket map against a real etcd, with a real jetcd election. */
@Tag("integration")
class AssignmentStoreTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    /** Per test (JUnit makes an instance per test, after the class's etcd started): a client and a fresh namespace. */
    private final Client client = EtcdClients.connect(etcd.endpoints());
    private final EtcdKeys keys = EtcdTestKeys.freshNamespace();
    private final AssignmentStore store = new AssignmentStore(client, keys);

    @AfterEach
    void tearDown() {
        client.close();
    }

    private LeaderKey campaign(String proposal) throws Exception {
        long lease = client.getLeaseClient().grant(30).get(5, TimeUnit.SECONDS).getID();
        return client.getElectionClient().campaign(bytes(keys.electionName()), lease, bytes(proposal))
                .get(10, TimeUnit.SECONDS).getLeader();
    }

    @Test
    void all256ChangesLandInTransactionsOfAtMost100() throws Exception {
        LeaderGuard guard = LeaderGuard.of(campaign("monitor-1"));
        Map<Bucket, String> changes = new LinkedHashMap<>();
        Bucket.all().forEach(b -> changes.put(b, "node-" + (b.index() % 3)));

        OptionalLong revision = store.writeAssignments(changes, guard);

        assertThat(revision).isPresent();
        assertThat(store.readAssignments()).isEqualTo(new TreeMap<>(changes));
        // each transaction gives all its keys one mod revision: 256 keys → 100 + 100 + 56
        Map<Long, Long> keysPerRevision = new HashMap<>();
        for (Bucket bucket : Bucket.all()) {
            KeyValue kv = get(client, keys.assign(bucket)).orElseThrow();
            keysPerRevision.merge(kv.getModRevision(), 1L, Long::sum);
        }
        assertThat(keysPerRevision.values()).containsExactlyInAnyOrder(100L, 100L, 56L);
        assertThat(keysPerRevision.keySet().stream().max(Long::compare)).contains(revision.getAsLong());
        // the chunks went in bucket order
        assertThat(get(client, keys.assign(Bucket.of(0))).orElseThrow().getModRevision())
                .isLessThan(get(client, keys.assign(Bucket.of(255))).orElseThrow().getModRevision());
    }

    @Test
    void namespaceRevisionIsTheNewestKeyInsideTheNamespaceOnly() throws Exception {
        assertThat(store.readNamespaceRevision()).isZero();
        long inside = EtcdTestKeys.put(client, keys.node("node-1"), "{}");
        long outside = EtcdTestKeys.put(client, EtcdTestKeys.freshNamespace().node("node-1"), "{}");

        assertThat(outside).isGreaterThan(inside);
        assertThat(store.readNamespaceRevision()).isEqualTo(inside);
        assertThat(store.readGeneration()[2]).as("no assign/ key yet").isZero();
    }

    @Test
    void onlyTheGivenKeysAreWrittenAndANullOwnerDeletes() throws Exception {
        LeaderGuard guard = LeaderGuard.of(campaign("monitor-1"));
        store.writeAssignments(Map.of(Bucket.of("01"), "node-1", Bucket.of("02"), "node-1"), guard);
        long untouched = get(client, keys.assign(Bucket.of("02"))).orElseThrow().getModRevision();

        Map<Bucket, String> changes = new HashMap<>();
        changes.put(Bucket.of("01"), null);
        changes.put(Bucket.of("03"), "node-2");
        assertThat(store.writeAssignments(changes, guard)).isPresent();

        assertThat(store.readAssignments()).containsOnly(Map.entry(Bucket.of("02"), "node-1"),
                Map.entry(Bucket.of("03"), "node-2"));
        assertThat(get(client, keys.assign(Bucket.of("02"))).orElseThrow().getModRevision()).isEqualTo(untouched);
        assertThat(store.writeAssignments(Map.of(), guard)).hasValue(0);
    }

    @Test
    void aDeposedLeadersWriteChangesNothing() throws Exception {
        LeaderKey leader = campaign("monitor-1");
        LeaderGuard guard = LeaderGuard.of(leader);
        store.writeAssignments(Map.of(Bucket.of("10"), "node-1"), guard);
        Map<Bucket, String> before = store.readAssignments();

        // a guard with another create revision (a later campaign re-created the key)
        LeaderGuard wrongRevision = new LeaderGuard(guard.key(), guard.createRevision() + 1);
        Map<Bucket, String> bigChange = Bucket.all().stream()
                .collect(Collectors.toMap(b -> b, b -> "intruder"));
        assertThat(store.writeAssignments(bigChange, wrongRevision)).isEmpty();
        assertThat(store.setDraining("node-1", true, "{}", wrongRevision)).isEmpty();

        // the leader resigned: its key is gone
        client.getElectionClient().resign(leader).get(5, TimeUnit.SECONDS);
        assertThat(store.writeAssignments(Map.of(Bucket.of("10"), "intruder"), guard)).isEmpty();

        assertThat(store.readAssignments()).isEqualTo(before);
        assertThat(store.readDraining()).isEmpty();
    }

    @Test
    void drainingIsSetAndClearedUnderTheGuardAndTheWatcherSeesIt() throws Exception {
        LeaderGuard guard = LeaderGuard.of(campaign("monitor-1"));
        try (ClusterWatcher watcher = ClusterWatcher.start(client, keys)) {
            String since = ClusterJson.drainingSince(Instant.parse("2026-01-01T00:00:00Z"));
            OptionalLong set = store.setDraining("node-1", true, since, guard);

            assertThat(set).isPresent();
            assertThat(store.readDraining()).containsExactly("node-1");
            assertThat(get(client, keys.draining("node-1")).orElseThrow().getValue().toString()).isEqualTo(since);
            assertThat(get(client, keys.draining("node-1")).orElseThrow().getLease()).isZero();
            BucketMap map = watcher.awaitRevision(set.getAsLong(), Duration.ofSeconds(10));
            assertThat(map.draining()).containsExactly("node-1");

            OptionalLong cleared = store.setDraining("node-1", false, null, guard);
            assertThat(cleared).isPresent();
            assertThat(store.readDraining()).isEmpty();
            assertThat(watcher.awaitRevision(cleared.getAsLong(), Duration.ofSeconds(10)).draining()).isEmpty();
        }
    }
}
