package dtable.monitor.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.core.assign.Move;
import dtable.core.assign.MoveReason;
import dtable.core.cluster.EtcdKeys;
import dtable.monitor.assignment.Decision;
import dtable.monitor.assignment.NotLeaderException;
import dtable.monitor.assignment.UnknownNodeException;
import dtable.monitor.election.MonitorRole;
import dtable.testsupport.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Exact cases of the leader's decision logic against the fake etcd. */
class AssignmentCoordinatorTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final EtcdKeys keys = EtcdKeys.defaults();
    private final FakeEtcd etcd = new FakeEtcd(clock, keys);
    private final List<SimMonitor.Write> writes = new ArrayList<>();
    private SimMonitor leader;

    @BeforeEach
    void electOne() {
        leader = new SimMonitor("m1", 0, etcd, keys, clock, Duration.ofSeconds(10), writes::add);
        leader.electionTick();
        assertThat(leader.state.role()).isEqualTo(MonitorRole.LEADER);
    }

    private void join(String... ids) {
        for (String id : ids) {
            etcd.put(keys.node(id), "{}", etcd.grant(Duration.ofSeconds(10)));
        }
        leader.deliverWatch();
    }

    @Test
    void placesOrphansOnceAndNeverWritesWhenNothingChanged() {
        join("a", "b");
        assertThat(etcd.owners()).hasSize(256);
        // the first decision of a new cluster establishes generation 1 (one write), then assigns (one write)
        assertThat(writes).hasSize(2);
        assertThat(writes.get(0).ops()).containsExactly(new FakeEtcd.Op(keys.generation(), "1"));
        long revision = etcd.revision();
        Decision again = leader.coordinator.maintain("periodic");
        assertThat(again.moves()).isEmpty();
        assertThat(etcd.revision()).isEqualTo(revision);
        assertThat(writes).hasSize(2);
    }

    @Test
    void drainMovesExactlyTheDrainedNodesBuckets() {
        join("a", "b", "c");
        leader.coordinator.rebalance(0, "rebalance");
        var owned = leader.view.bucketsOf("b");
        Decision drain = leader.coordinator.drain("b");
        assertThat(drain.moves()).hasSize(owned.size()).extracting(Move::bucket).containsExactlyInAnyOrderElementsOf(owned);
        assertThat(drain.moves()).extracting(Move::reason).containsOnly(MoveReason.OWNER_DRAINING);
        assertThat(etcd.get(keys.draining("b")).value()).contains("since");
        assertThat(leader.view.bucketsOf("b")).isEmpty();
        assertThatThrownBy(() -> leader.coordinator.drain("zz")).isInstanceOf(UnknownNodeException.class);
    }

    @Test
    void aRefusedWriteStepsDownAndReportsNotLeader() {
        join("a");
        // the election key disappears (lease expired while we were not looking)
        clock.advance(Duration.ofSeconds(11));
        etcd.expireLeases();
        etcd.put(keys.node("b"), "{}", 0);
        leader.view = etcd.snapshot();
        assertThatThrownBy(() -> leader.coordinator.drain("a")).isInstanceOf(NotLeaderException.class);
        assertThat(leader.state.role()).isEqualTo(MonitorRole.FOLLOWER);
        assertThat(etcd.get(keys.draining("a"))).isNull();
    }

    @Test
    void aFollowerDecidesNothing() {
        SimMonitor follower = new SimMonitor("m2", 0, etcd, keys, clock, Duration.ofSeconds(10), writes::add);
        follower.electionTick();
        assertThat(follower.state.role()).isEqualTo(MonitorRole.CANDIDATE);
        etcd.put(keys.node("a"), "{}", 0);
        follower.view = etcd.snapshot();
        assertThat(follower.coordinator.maintain("periodic").moves()).isEmpty();
        assertThatThrownBy(() -> follower.coordinator.rebalance(0, "rebalance")).isInstanceOf(NotLeaderException.class);
        assertThat(writes).isEmpty();
    }
}
