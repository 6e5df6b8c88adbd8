package dtable.monitor.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.core.assign.Move;
import dtable.core.bucket.Bucket;
import dtable.core.cluster.EtcdKeys;
import dtable.core.cluster.FencingToken;
import dtable.monitor.assignment.Decision;
import dtable.monitor.election.MonitorRole;
import dtable.monitor.generation.GenerationUnavailableException;
import dtable.monitor.generation.InMemoryGenerationLedger;
import dtable.testsupport.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The leader after etcd lost its data or was restored from an older snapshot, against the fake etcd: a new
 * generation first (MySQL, then etcd), then each node gets back what it held, and only what must move moves.
 */
class EtcdLossTest {

    private static final Duration TTL = Duration.ofSeconds(10);

    private final SettableClock clock = new SettableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final EtcdKeys keys = EtcdKeys.defaults();
    private final FakeEtcd etcd = new FakeEtcd(clock, keys);
    private final InMemoryGenerationLedger mysql = new InMemoryGenerationLedger();
    private final List<SimMonitor.Write> writes = new ArrayList<>();
    private SimMonitor leader;

    @BeforeEach
    void electOne() {
        leader = new SimMonitor("m1", 0, etcd, keys, clock, TTL, writes::add, mysql);
        leader.electionTick();
        assertThat(leader.state.role()).isEqualTo(MonitorRole.LEADER);
    }

    private void register(String id, Set<Bucket> held) {
        String heldJson = held.stream().map(b -> "\"" + b.hex() + "\"").collect(Collectors.joining(","));
        etcd.put(keys.node(id), "{\"node_id\":\"" + id + "\",\"held_buckets\":[" + heldJson + "]}", etcd.grant(TTL));
    }

    private void balancedCluster(String... ids) {
        for (String id : ids) {
            register(id, Set.of());
        }
        leader.deliverWatch();
        leader.coordinator.rebalance(0, "rebalance");
        assertGeneration(1);
    }

    private Map<String, Set<Bucket>> ownersByNode() {
        Map<String, Set<Bucket>> byNode = new TreeMap<>();
        etcd.owners().forEach((bucket, node) -> byNode.computeIfAbsent(node, n -> new java.util.TreeSet<>()).add(bucket));
        return byNode;
    }

    /** The election after etcd changed under the leader: its lease is gone, it campaigns and wins again. */
    private void reelect() {
        leader.electionTick(); // keep-alive fails: steps down, campaigns
        leader.electionTick();
        assertThat(leader.state.role()).isEqualTo(MonitorRole.LEADER);
    }

    @Test
    void afterAWipeEveryNodeGetsBackWhatItHeldAndOnlyTheDeadNodesBucketsMove() {
        balancedCluster("a", "b", "c");
        Map<String, Set<Bucket>> before = ownersByNode();
        long oldRevision = etcd.revision();

        etcd.wipe();
        // a and b re-register in the empty etcd with what they held; c died during the outage
        register("a", before.get("a"));
        register("b", before.get("b"));
        reelect();
        writes.clear();
        Decision decision = leader.coordinator.maintain("elected");

        assertGeneration(2);
        assertThat(writes.get(0).ops()).containsExactly(new FakeEtcd.Op(keys.generation(), "2"));
        assertThat(etcd.revision()).isLessThan(oldRevision); // tokens of the new etcd: (2, small revision)
        Map<String, Set<Bucket>> after = ownersByNode();
        assertThat(after.get("a")).containsAll(before.get("a"));
        assertThat(after.get("b")).containsAll(before.get("b"));
        assertThat(etcd.owners()).hasSize(256);
        // the moves are exactly: 256 placements, of which only c's buckets went to a node that did not hold them
        assertThat(decision.moves()).hasSize(256);
        long reshuffled = decision.moves().stream()
                .filter(m -> !before.getOrDefault(m.to(), Set.of()).contains(m.bucket())).count();
        assertThat(reshuffled).isEqualTo(before.get("c").size());
        assertThat(decision.moves()).extracting(Move::bucket).filteredOn(before.get("c")::contains)
                .hasSize(before.get("c").size());
        // and the map of the new etcd is stable from here: nothing more to do
        assertThat(leader.coordinator.maintain("periodic").moves()).isEmpty();
    }

    @Test
    void aBucketTwoNodesClaimToHoldIsPlacedAsAnOrphanNotGivenToEither() {
        balancedCluster("a", "b");
        Map<String, Set<Bucket>> before = ownersByNode();
        Bucket disputed = before.get("a").iterator().next();
        etcd.wipe();
        register("a", before.get("a"));
        Set<Bucket> bHeld = new java.util.TreeSet<>(before.get("b"));
        bHeld.add(disputed); // a stale registration value
        register("b", bHeld);
        reelect();

        Decision decision = leader.coordinator.maintain("elected");

        assertThat(decision.moves()).hasSize(256);
        assertThat(etcd.owners()).hasSize(256);
        before.get("b").forEach(bucket -> assertThat(etcd.owners().get(bucket)).isEqualTo("b"));
        before.get("a").stream().filter(bucket -> !bucket.equals(disputed))
                .forEach(bucket -> assertThat(etcd.owners().get(bucket)).isEqualTo("a"));
    }

    @Test
    void aRestoredSnapshotOlderThanAClaimInMySqlGetsANewGeneration() {
        balancedCluster("a", "b");
        FakeEtcd saved = etcd.copy();
        Bucket moved = ownersByNode().get("b").iterator().next();
        leader.coordinator.drain("b"); // history the snapshot does not have
        // a node claims a base of the moved bucket with the token the map gave it
        mysql.claimed(FencingToken.of(1, etcd.get(keys.assign(moved)).modRevision()));

        etcd.restore(saved);
        leader.view = etcd.snapshot(); // the watcher re-reads the restored etcd
        leader.coordinator.maintain("periodic");

        assertGeneration(2);
        // every token of the restored etcd now beats the claim made in the lost history
        long newToken = FencingToken.of(2, 1);
        assertThat(newToken).isGreaterThan(mysql.highestClaim());
    }

    @Test
    void aRestoredSnapshotIsCaughtEvenWhenEtcdsRevisionHasAlreadyPassedTheClaim() {
        balancedCluster("a", "b");
        FakeEtcd saved = etcd.copy();
        Bucket moved = ownersByNode().get("b").iterator().next();
        leader.coordinator.drain("b");
        mysql.claimed(FencingToken.of(1, etcd.get(keys.assign(moved)).modRevision()));
        long claimRevision = etcd.revision();

        etcd.restore(saved);
        while (etcd.revision() <= claimRevision + 5) {
            etcd.put(keys.slave("s"), "{}", 0); // other writes carry the restored etcd past the claim's revision
        }
        leader.view = etcd.snapshot();
        leader.coordinator.maintain("periodic");

        assertGeneration(2);
    }

    @Test
    void aRestoredSnapshotThatNoClaimOutranIsKeptAsItIs() {
        balancedCluster("a", "b");
        FakeEtcd saved = etcd.copy();
        mysql.claimed(FencingToken.of(1, etcd.revision()));
        etcd.put(keys.node("late"), "{}", 0); // etcd moved on, then is restored
        etcd.restore(saved);
        leader.view = etcd.snapshot();

        leader.coordinator.maintain("periodic");

        assertGeneration(1);
    }

    @Test
    void anEtcdGenerationBehindMySqlsIsAdvancedPastBoth() {
        balancedCluster("a");
        // a leader advanced MySQL to 2 and died before writing etcd
        assertThat(mysql.advance(1, 2)).isTrue();

        leader.coordinator.maintain("periodic");

        assertGeneration(3);
    }

    @Test
    void withoutMySqlAnEmptyEtcdGetsNoAssignmentButAnEstablishedOneStillFailsOver() {
        mysql.setDown(true);
        register("a", Set.of());
        register("b", Set.of());
        leader.view = etcd.snapshot();
        assertThatThrownBy(() -> leader.coordinator.maintain("membership"))
                .isInstanceOf(GenerationUnavailableException.class).hasMessageContaining("no cluster generation");
        assertThat(etcd.owners()).isEmpty();
        assertThat(etcd.get(keys.generation())).isNull();

        mysql.setDown(false);
        leader.coordinator.maintain("periodic");
        assertThat(etcd.owners()).hasSize(256);

        // MySQL down again: a dead node's buckets still move (failover does not need MySQL)
        mysql.setDown(true);
        Set<Bucket> bBuckets = ownersByNode().get("b");
        etcd.revoke(etcd.get(keys.node("b")).lease());
        leader.view = etcd.snapshot();
        Decision decision = leader.coordinator.maintain("membership");
        assertThat(decision.moves()).extracting(Move::bucket).containsExactlyInAnyOrderElementsOf(bBuckets);
        assertThat(etcd.owners().values()).containsOnly("a");
    }

    @Test
    void aLeaderThatLosesTheElectionWhileAdvancingWritesNothingToEtcd() {
        balancedCluster("a");
        etcd.wipe();
        register("a", Set.of());
        // the leader has not noticed: its election key is gone with the wipe
        leader.view = etcd.snapshot();
        assertThatThrownBy(() -> leader.coordinator.maintain("periodic"))
                .isInstanceOf(dtable.monitor.assignment.NotLeaderException.class);
        assertThat(etcd.get(keys.generation())).isNull();
        assertThat(etcd.owners()).isEmpty();
        assertThat(leader.state.role()).isEqualTo(MonitorRole.FOLLOWER);
        // MySQL moved to 2 (advanced first); the next leader goes to 3: generations never repeat
        reelectFromFollower();
        leader.coordinator.maintain("elected");
        assertGeneration(3);
    }

    private void reelectFromFollower() {
        leader.electionTick();
        assertThat(leader.state.role()).isEqualTo(MonitorRole.LEADER);
    }

    /** Both sides of the cluster generation: MySQL's and etcd's key. */
    private void assertGeneration(long generation) {
        assertThat(mysql.current()).isEqualTo(generation);
        assertThat(etcd.get(keys.generation()).value()).isEqualTo(Long.toString(generation));
    }
}
