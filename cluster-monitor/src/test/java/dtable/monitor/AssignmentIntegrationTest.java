package dtable.monitor;

import static dtable.monitor.MonitorTestSupport.allOwnedBy;
import static dtable.monitor.MonitorTestSupport.awaitLeader;
import static dtable.monitor.MonitorTestSupport.counts;
import static dtable.monitor.MonitorTestSupport.freshKeys;
import static dtable.monitor.MonitorTestSupport.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.assign.Move;
import dtable.core.assign.MoveReason;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.EtcdKeys;
import dtable.core.etcd.EtcdClients;
import dtable.monitor.assignment.Decision;
import dtable.monitor.assignment.UnknownNodeException;
import dtable.testsupport.EtcdExtension;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The leader's assignment loop against a real etcd, nodes simulated by leased {@code nodes/} keys. */
@Tag("integration")
class AssignmentIntegrationTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    private static final Duration NODE_TTL = Duration.ofSeconds(2);

    /** Per test (JUnit makes an instance per test, after the class's etcd started): a client and a fresh namespace. */
    private final Client client = EtcdClients.connect(etcd.endpoints());
    private final EtcdKeys keys = freshKeys();
    private final FakeNodes nodes = new FakeNodes(client, keys);
    private ClusterMonitor monitor;

    @AfterEach
    void tearDown() {
        if (monitor != null) {
            monitor.close();
        }
        nodes.close();
        client.close();
    }

    private ClusterMonitor startMonitor(boolean autoRebalance) {
        monitor = MonitorTestSupport.start(client, keys, settings("m1", Duration.ofSeconds(2), autoRebalance));
        awaitLeader(List.of(monitor), Duration.ofSeconds(10));
        return monitor;
    }

    /** Two live nodes, balanced 128/128 by one rebalance (without auto-rebalance the first node takes all). */
    private void twoBalancedNodes() throws Exception {
        nodes.join("node-a", NODE_TTL);
        nodes.join("node-b", NODE_TTL);
        await().atMost(Duration.ofSeconds(10)).until(() -> monitor.snapshot().nodes().size() == 2
                && allOwnedBy(monitor.snapshot(), Set.of("node-a", "node-b")));
        monitor.decide(c -> c.rebalance(null, "rebalance"));
        assertThat(counts(monitor.snapshot())).containsEntry("node-a", 128).containsEntry("node-b", 128);
    }

    private void awaitAllOwnedBy(String... ids) {
        await().atMost(Duration.ofSeconds(10)).until(() -> allOwnedBy(monitor.snapshot(), Set.of(ids)));
    }

    @Test
    void joinMovesNothingUntilRebalanceThenExactlyTheMinimum() throws Exception {
        startMonitor(false);
        twoBalancedNodes();

        BucketMap before = monitor.snapshot();
        nodes.join("node-c", NODE_TTL);
        await().atMost(Duration.ofSeconds(5)).until(() -> monitor.snapshot().nodes().containsKey("node-c"));
        // a few periodic checks (every second) and the membership reaction pass without a move
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
                .until(() -> monitor.snapshot().assignment().equals(before.assignment()));

        Decision decision = monitor.decide(c -> c.rebalance(null, "rebalance"));
        assertThat(decision.moves()).hasSize(256 / 3).allSatisfy(m -> {
            assertThat(m.to()).isEqualTo("node-c");
            assertThat(m.reason()).isEqualTo(MoveReason.REBALANCE);
        });
        assertThat(monitor.snapshot().revision()).isGreaterThanOrEqualTo(decision.revision());
        assertThat(counts(monitor.snapshot()).values()).containsExactlyInAnyOrder(86, 85, 85);

        Decision again = monitor.decide(c -> c.rebalance(null, "rebalance"));
        assertThat(again.moves()).as("a balanced map rebalances to itself").isEmpty();
    }

    @Test
    void autoRebalanceMovesTheMinimumWhenANodeJoins() throws Exception {
        startMonitor(true);
        nodes.join("node-a", NODE_TTL);
        nodes.join("node-b", NODE_TTL);
        awaitAllOwnedBy("node-a", "node-b");
        await().atMost(Duration.ofSeconds(5)).until(() -> counts(monitor.snapshot()).values().stream()
                .allMatch(c -> c == 128));
        nodes.join("node-c", NODE_TTL);
        await().atMost(Duration.ofSeconds(5)).until(() -> counts(monitor.snapshot()).getOrDefault("node-c", 0) == 85);
        // recorded just after the write returns; the history holds the last 100 moves
        await().atMost(Duration.ofSeconds(2)).until(() -> monitor.history().latest(1000).stream()
                .filter(m -> m.to().equals("node-c")).count() == 85);
        assertThat(monitor.history().latest(85)).allSatisfy(m -> {
            assertThat(m.reason()).isEqualTo("rebalance");
            assertThat(m.trigger()).isEqualTo("join");
        });
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> counts(monitor.snapshot()).getOrDefault("node-c", 0) == 85);
    }

    @Test
    void deadNodesBucketsAreReassignedWithinTheTtlPlusOneSecond() throws Exception {
        startMonitor(false);
        twoBalancedNodes();
        Set<dtable.core.bucket.Bucket> orphans = monitor.snapshot().bucketsOf("node-a");
        Set<dtable.core.bucket.Bucket> kept = monitor.snapshot().bucketsOf("node-b");

        Instant killed = nodes.kill("node-a");
        await().atMost(NODE_TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> allOwnedBy(monitor.snapshot(), Set.of("node-b")));
        Duration took = Duration.between(killed, Instant.now());
        assertThat(took).as("kill to reassignment").isLessThanOrEqualTo(NODE_TTL.plusSeconds(1));
        // only the dead node's buckets moved, each once, with the right reason
        assertThat(monitor.snapshot().bucketsOf("node-b")).containsAll(kept).hasSize(256);
        // the decision records its moves right after the write returns, which may be after the watch showed it
        await().atMost(Duration.ofSeconds(2)).until(() -> monitor.history().latest(1).get(0).reason().equals("owner_dead"));
        // (the history keeps the last 100 moves, fewer than the 128 orphans)
        assertThat(monitor.history().latest(orphans.size())).hasSize(100)
                .allSatisfy(m -> assertThat(m.reason()).isEqualTo("owner_dead"))
                .allSatisfy(m -> assertThat(m.from()).isEqualTo("node-a"))
                .extracting(m -> dtable.core.bucket.Bucket.of(m.bucket())).doesNotHaveDuplicates().isSubsetOf(orphans);
    }

    @Test
    void drainMovesEveryBucketOffOnceAndUndrainPlusRebalanceBalancesBack() throws Exception {
        startMonitor(false);
        nodes.join("node-a", NODE_TTL);
        nodes.join("node-b", NODE_TTL);
        nodes.join("node-c", NODE_TTL);
        await().atMost(Duration.ofSeconds(10)).until(() -> monitor.snapshot().nodes().size() == 3);
        monitor.decide(c -> c.rebalance(null, "rebalance"));
        Map<String, Integer> balanced = counts(monitor.snapshot());
        int ownedByA = balanced.get("node-a");

        Decision drain = monitor.decide(c -> c.drain("node-a"));
        assertThat(drain.moves()).hasSize(ownedByA)
                .allSatisfy(m -> assertThat(m.from()).isEqualTo("node-a"))
                .allSatisfy(m -> assertThat(m.reason()).isEqualTo(MoveReason.OWNER_DRAINING));
        BucketMap drained = monitor.snapshot();
        assertThat(drained.bucketsOf("node-a")).isEmpty();
        assertThat(drained.draining()).containsExactly("node-a");
        assertThat(counts(drained).values()).containsExactlyInAnyOrder(128, 128);
        // the draining mark survives: the periodic check does not hand buckets back
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> monitor.snapshot().bucketsOf("node-a").isEmpty());

        Decision undrain = monitor.decide(c -> c.undrain("node-a"));
        assertThat(undrain.moves()).isEmpty();
        assertThat(monitor.snapshot().draining()).isEmpty();
        Decision back = monitor.decide(c -> c.rebalance(null, "rebalance"));
        assertThat(back.moves()).hasSize(85).extracting(Move::to).containsOnly("node-a");
        assertThat(counts(monitor.snapshot()).values()).containsExactlyInAnyOrder(86, 85, 85);
    }

    @Test
    void drainOfAnUnknownNodeIsRefused() throws Exception {
        startMonitor(false);
        nodes.join("node-a", NODE_TTL);
        awaitAllOwnedBy("node-a");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> monitor.decide(c -> c.drain("nobody")))
                .isInstanceOf(UnknownNodeException.class).hasMessageContaining("nobody");
    }

    @Test
    void anEmptyClusterKeepsItsMap() throws Exception {
        startMonitor(false);
        nodes.join("node-a", NODE_TTL);
        awaitAllOwnedBy("node-a");
        nodes.kill("node-a");
        await().atMost(Duration.ofSeconds(6)).until(() -> monitor.snapshot().nodes().isEmpty());
        long revision = monitor.snapshot().revision();
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
                .until(() -> monitor.snapshot().revision() == revision);
        assertThat(monitor.snapshot().bucketsOf("node-a")).hasSize(256);
        // and the buckets go back to the node when it returns: they are its own
        nodes.join("node-a", NODE_TTL);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> monitor.snapshot().bucketsOf("node-a").size() == 256);
    }
}
