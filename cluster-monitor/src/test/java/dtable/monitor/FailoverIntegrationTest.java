package dtable.monitor;

import static dtable.monitor.MonitorTestSupport.allOwnedBy;
import static dtable.monitor.MonitorTestSupport.awaitLeader;
import static dtable.monitor.MonitorTestSupport.freshKeys;
import static dtable.monitor.MonitorTestSupport.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dtable.core.cluster.EtcdKeys;
import dtable.core.etcd.EtcdClients;
import dtable.monitor.assignment.MoveRecord;
import dtable.monitor.assignment.NotLeaderException;
import dtable.monitor.election.MonitorRole;
import dtable.testsupport.EtcdExtension;
import dtable.testsupport.SettableClock;
import io.etcd.jetcd.Client;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several monitors in one JVM, each with its own etcd client, against a 3-member etcd: exactly one
 * leads; a crashed leader is replaced within the election lease; a paused leader (keep-alive stopped,
 * clock frozen) gets its next write refused and steps down; writes of two leaders never interleave.
 */
@Tag("integration")
class FailoverIntegrationTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(3);

    private static final Duration ELECTION_TTL = Duration.ofSeconds(2);

    private final List<Client> clients = new ArrayList<>();
    private final List<ClusterMonitor> monitors = new ArrayList<>();
    private final EtcdKeys keys = freshKeys();

    @AfterEach
    void tearDown() {
        monitors.forEach(m -> {
            try {
                m.close();
            } catch (RuntimeException ignored) {
                // already crashed
            }
        });
        clients.forEach(Client::close);
    }

    private ClusterMonitor startMonitor(String id, Clock clock) {
        Client client = EtcdClients.connect(etcd.endpoints());
        clients.add(client);
        ClusterMonitor monitor = ClusterMonitor.start(client, keys, settings(id, ELECTION_TTL, false),
                new dtable.monitor.generation.InMemoryGenerationLedger(), clock);
        monitors.add(monitor);
        return monitor;
    }

    private FakeNodes nodesWithTwoMembers() throws Exception {
        Client client = EtcdClients.connect(etcd.endpoints());
        clients.add(client);
        FakeNodes nodes = new FakeNodes(client, keys);
        nodes.join("node-a", Duration.ofSeconds(10));
        nodes.join("node-b", Duration.ofSeconds(10));
        return nodes;
    }

    @Test
    void exactlyOneOfThreeLeadsAndACrashedLeaderIsReplacedWithinTheLease() throws Exception {
        for (int i = 1; i <= 3; i++) {
            startMonitor("m" + i, Clock.systemUTC());
        }
        ClusterMonitor leader = awaitLeader(monitors, Duration.ofSeconds(10));
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(3))
                .until(() -> monitors.stream().filter(m -> m.leadership().isLeader()).count() == 1);
        assertThat(leader.election().currentLeader()).get()
                .satisfies(id -> assertThat(id.monitorId()).isEqualTo(leader.settings().monitorId()));

        Instant crashed = Instant.now();
        leader.crash(); // no resign: the others must wait for the lease
        List<ClusterMonitor> others = monitors.stream().filter(m -> m != leader).toList();
        ClusterMonitor next = awaitLeader(others, ELECTION_TTL.plusSeconds(5));
        Duration took = Duration.between(crashed, Instant.now());
        assertThat(took).as("time to a new leader").isLessThanOrEqualTo(ELECTION_TTL.plusMillis(1500));
        assertThat(next.leadership().history()).extracting(c -> c.to()).contains(MonitorRole.LEADER);
        await().atMost(Duration.ofSeconds(3)).until(() -> next.election().currentLeader()
                .map(id -> id.monitorId().equals(next.settings().monitorId())).orElse(false));
    }

    @Test
    void gracefulShutdownResignsSoTheNextLeaderDoesNotWaitForTheLease() {
        ClusterMonitor first = startMonitor("m1", Clock.systemUTC());
        awaitLeader(List.of(first), Duration.ofSeconds(10));
        ClusterMonitor second = startMonitor("m2", Clock.systemUTC());
        await().atMost(Duration.ofSeconds(5)).until(() -> second.leadership().role() == MonitorRole.CANDIDATE);
        Instant closed = Instant.now();
        first.close();
        awaitLeader(List.of(second), Duration.ofSeconds(5));
        assertThat(Duration.between(closed, Instant.now())).isLessThan(ELECTION_TTL);
    }

    @Test
    void aPausedLeadersNextWriteIsRefusedAndItStepsDown() throws Exception {
        SettableClock pausedClock = SettableClock.live();
        ClusterMonitor old = startMonitor("m1", pausedClock);
        awaitLeader(List.of(old), Duration.ofSeconds(10));
        ClusterMonitor other = startMonitor("m2", Clock.systemUTC());
        FakeNodes nodes = nodesWithTwoMembers();
        await().atMost(Duration.ofSeconds(10)).until(() -> allOwnedBy(old.snapshot(), Set.of("node-a", "node-b"))
                && old.snapshot().nodes().size() == 2);

        // "pause" m1: its time stands still and it sends no keep-alive; etcd expires its election key
        pausedClock.freeze();
        old.election().suspendKeepAlive();
        awaitLeader(List.of(other), ELECTION_TTL.plusSeconds(5));
        assertThat(old.leadership().role()).as("m1 still believes it leads").isEqualTo(MonitorRole.LEADER);

        long before = other.snapshot().revision();
        // a drain always writes (the draining mark), so the refusal cannot hide behind "nothing to do"
        assertThatThrownBy(() -> old.decide(c -> c.drain("node-a")))
                .isInstanceOf(NotLeaderException.class);
        assertThat(old.leadership().role()).isNotEqualTo(MonitorRole.LEADER);
        assertThat(old.leadership().history()).anySatisfy(c -> assertThat(c.reason()).contains("refused"));
        assertThat(old.history().latest(1000)).noneMatch(m -> m.trigger().equals("drain"));
        await().atMost(Duration.ofSeconds(3)).until(() -> other.snapshot().revision() >= before);
        assertThat(other.snapshot().draining()).isEmpty();

        // the new leader writes; the writers of successive revisions never go back to m1. A drain of node-a always
        // moves buckets: node-a owns all of them (m1 assigned before node-b joined) or half (both were there). A
        // rebalance found nothing to move in the second case, so m2 wrote nothing and the check below failed.
        other.decide(c -> c.drain("node-a"));
        Map<Long, String> writers = new TreeMap<>();
        for (ClusterMonitor m : monitors) {
            for (MoveRecord record : m.history().latest(1000)) {
                if (!record.trigger().equals("observed")) {
                    String previous = writers.put(record.revision(), m.settings().monitorId());
                    assertThat(previous).as("two writers at revision " + record.revision())
                            .isIn(null, m.settings().monitorId());
                }
            }
        }
        List<String> sequence = new ArrayList<>(writers.values());
        int firstOfM2 = sequence.indexOf("m2");
        assertThat(firstOfM2).as("m2 wrote").isGreaterThanOrEqualTo(0);
        assertThat(sequence.subList(firstOfM2, sequence.size())).containsOnly("m2");
        nodes.close();
    }
}
