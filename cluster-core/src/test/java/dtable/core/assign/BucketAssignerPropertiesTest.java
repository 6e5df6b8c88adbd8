package dtable.core.assign;

import static dtable.core.assign.AssignmentChecks.checkDeterminism;
import static dtable.core.assign.AssignmentChecks.checkInvariants;
import static dtable.core.assign.AssignmentChecks.coveredAndBalanced;
import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.Bucket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Invariants of {@link BucketAssigner} over random clusters and random histories of membership
 * events (Kafka's {@code checkValidityAndBalance} in spirit). The expected values come from
 * {@link AssignmentChecks}, which recomputes them without the assigner's data structures.
 */
class BucketAssignerPropertiesTest {

    /** A cluster as the monitor might see it: any map, any live set, any draining set. */
    record Cluster(Map<Bucket, String> map, Set<String> live, Set<String> draining) {
    }

    @Property
    void anyClusterSatisfiesTheInvariants(@ForAll("clusters") Cluster cluster, @ForAll Mode mode,
                                          @ForAll("maxMoves") int maxMoves, @ForAll long seed) {
        AssignmentRequest request = new AssignmentRequest(cluster.map(), cluster.live(), cluster.draining(), mode, maxMoves);

        AssignmentResult result = BucketAssigner.assign(request);

        checkInvariants(request, result);
        checkDeterminism(request, result, seed);
        Statistics.label("case").collect(caseOf(request));
        Statistics.label("case").coverage(coverage -> {
            coverage.check("rebalance with balancing moves").percentage(p -> p > 15);
            coverage.check("no eligible node").percentage(p -> p > 0.5);
        });
    }

    /** Classifies a request, so the run shows (and checks) that the interesting cases are generated. */
    private static String caseOf(AssignmentRequest request) {
        if (AssignmentChecks.eligible(request).isEmpty()) {
            return "no eligible node";
        }
        if (request.mode() == Mode.MAINTAIN) {
            return "maintain";
        }
        return AssignmentChecks.minimalBalancingMoves(request) > 0 ? "rebalance with balancing moves" : "rebalance, already balanced";
    }

    @Property
    void joinOfOneNodeToNBalancedNodesMovesFloorOf256OverNPlus1(@ForAll("clusters") Cluster start,
                                                                 @ForAll @IntRange(min = 1, max = 300) int n) {
        Set<String> live = nodes(n);
        Map<Bucket, String> balanced = balance(start.map(), live);
        Set<String> joined = new TreeSet<>(live);
        joined.add("joiner");

        AssignmentRequest request = AssignmentRequest.rebalance(balanced, joined, Set.of(), 0);
        AssignmentResult result = BucketAssigner.assign(request);

        checkInvariants(request, result);
        assertThat(result.moves()).hasSize(Bucket.COUNT / (n + 1)).allMatch(m -> m.to().equals("joiner"));
    }

    @Property
    void leaveFromBalancedNodesMovesOnlyTheDepartedNodesBuckets(@ForAll("clusters") Cluster start,
                                                                 @ForAll @IntRange(min = 2, max = 300) int n,
                                                                 @ForAll @IntRange(min = 0, max = 299) int leaver) {
        Set<String> live = nodes(n);
        Map<Bucket, String> balanced = balance(start.map(), live);
        String departed = new ArrayList<>(live).get(leaver % n);
        Set<String> remaining = new TreeSet<>(live);
        remaining.remove(departed);

        for (Mode mode : Mode.values()) {
            AssignmentRequest request = new AssignmentRequest(balanced, remaining, Set.of(), mode, 0);
            AssignmentResult result = BucketAssigner.assign(request);
            checkInvariants(request, result);
            assertThat(result.changes().keySet()).as(mode + " after a leave").isEqualTo(bucketsOf(balanced, departed));
        }
    }

    /**
     * Replays a history of joins, leaves, drains, undrains and rebalances from an empty map, as the
     * monitor would (MAINTAIN after every membership change, REBALANCE on request), checking the
     * invariants after every step, plus the join and leave rules whenever the state before was balanced.
     */
    @Property
    void historiesKeepTheInvariantsAfterEveryStep(@ForAll("histories") List<Event> history, @ForAll long seed) {
        Cluster state = new Cluster(Map.of(), Set.of(), Set.of());
        boolean checkedBalancedJoin = false;
        for (Event event : history) {
            Cluster next = event.applyTo(state);
            Mode mode = event instanceof Rebalance ? Mode.REBALANCE : Mode.MAINTAIN;
            int maxMoves = event instanceof Rebalance rebalance ? rebalance.maxMoves() : 0;
            AssignmentRequest request = new AssignmentRequest(state.map(), next.live(), next.draining(), mode, maxMoves);

            AssignmentResult result = BucketAssigner.assign(request);

            checkInvariants(request, result);
            checkDeterminism(request, result, seed++);
            if (event instanceof Join && joinedToBalanced(state, next)) {
                checkJoinMovesFloorOf256OverNPlus1(state, next);
                checkedBalancedJoin = true;
            }
            if (event instanceof Leave && coveredAndBalanced(state.map(), eligible(state))) {
                checkLeaveMovesOnlyTheDepartedNodesBuckets(state, next);
            }
            state = new Cluster(result.assignment(), next.live(), next.draining());
        }
        Statistics.label("histories with a join to a balanced cluster").collect(checkedBalancedJoin);
        Statistics.label("histories with a join to a balanced cluster")
                .coverage(coverage -> coverage.check(true).percentage(p -> p > 10));
    }

    private static boolean joinedToBalanced(Cluster before, Cluster after) {
        Set<String> newlyEligible = eligible(after);
        newlyEligible.removeAll(eligible(before));
        return newlyEligible.size() == 1 && !before.map().containsValue(newlyEligible.iterator().next())
                && coveredAndBalanced(before.map(), eligible(before));
    }

    private static void checkJoinMovesFloorOf256OverNPlus1(Cluster before, Cluster after) {
        int n = eligible(before).size();
        AssignmentResult rebalanced = BucketAssigner.assign(
                AssignmentRequest.rebalance(before.map(), after.live(), after.draining(), 0));
        assertThat(rebalanced.moves()).as("moves of a join to %d balanced nodes", n).hasSize(Bucket.COUNT / (n + 1));
    }

    private static void checkLeaveMovesOnlyTheDepartedNodesBuckets(Cluster before, Cluster after) {
        Set<String> departed = new TreeSet<>(before.live());
        departed.removeAll(after.live());
        if (departed.isEmpty() || eligible(after).isEmpty()) {
            return;
        }
        Set<Bucket> theirs = bucketsOf(before.map(), departed.iterator().next());
        for (Mode mode : Mode.values()) {
            AssignmentResult result = BucketAssigner.assign(
                    new AssignmentRequest(before.map(), after.live(), after.draining(), mode, 0));
            assertThat(result.changes().keySet()).as(mode + " after the leave of " + departed).isEqualTo(theirs);
        }
    }

    // ---- generators ----

    /** What a known node is at the moment of the call. */
    enum Fate { LIVE, DEAD, LIVE_DRAINING, DEAD_DRAINING }

    /**
     * Up to 320 known nodes (more than 256 buckets, so some eligible nodes must stay empty), each
     * with a random fate; the map's owners come from up to 24 of them, so maps are often lopsided,
     * and 15 % of the buckets are unassigned.
     */
    @Provide
    Arbitrary<Cluster> clusters() {
        Arbitrary<Fate> fates = Arbitraries.frequency(
                Tuple.of(14, Fate.LIVE), Tuple.of(4, Fate.DEAD), Tuple.of(1, Fate.LIVE_DRAINING), Tuple.of(1, Fate.DEAD_DRAINING));
        return Arbitraries.integers().between(1, 320).flatMap(poolSize -> {
            List<String> pool = List.copyOf(nodes(poolSize));
            Arbitrary<List<String>> ownerList = Arbitraries.of(pool).set().ofMinSize(1).ofMaxSize(Math.min(poolSize, 24))
                    .flatMap(owners -> Arbitraries.of(List.copyOf(owners)).injectNull(0.15).list().ofSize(Bucket.COUNT));
            return Combinators.combine(ownerList, fates.list().ofSize(poolSize)).as((owners, fateList) -> {
                Set<String> live = new TreeSet<>();
                Set<String> draining = new TreeSet<>();
                for (int i = 0; i < poolSize; i++) {
                    Fate fate = fateList.get(i);
                    if (fate == Fate.LIVE || fate == Fate.LIVE_DRAINING) {
                        live.add(pool.get(i));
                    }
                    if (fate == Fate.LIVE_DRAINING || fate == Fate.DEAD_DRAINING) {
                        draining.add(pool.get(i));
                    }
                }
                return new Cluster(toMap(owners), live, draining);
            });
        });
    }

    @Provide
    Arbitrary<Integer> maxMoves() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0)),
                Tuple.of(2, Arbitraries.integers().between(1, 300)));
    }

    sealed interface Event permits Join, Leave, Drain, Undrain, Rebalance {
        Cluster applyTo(Cluster cluster);
    }

    /** A node from a small pool (re-joins happen) registers. */
    record Join(int node) implements Event {
        public Cluster applyTo(Cluster c) {
            return new Cluster(c.map(), with(c.live(), "n" + node), c.draining());
        }
    }

    /** The pick-th live node loses its lease. */
    record Leave(int pick) implements Event {
        public Cluster applyTo(Cluster c) {
            return c.live().isEmpty() ? c : new Cluster(c.map(), without(c.live(), pickFrom(c.live(), pick)), c.draining());
        }
    }

    /** A node of the pool, live or not, is marked draining. */
    record Drain(int node) implements Event {
        public Cluster applyTo(Cluster c) {
            return new Cluster(c.map(), c.live(), with(c.draining(), "n" + node));
        }
    }

    /** The pick-th draining node is undrained. */
    record Undrain(int pick) implements Event {
        public Cluster applyTo(Cluster c) {
            return c.draining().isEmpty() ? c
                    : new Cluster(c.map(), c.live(), without(c.draining(), pickFrom(c.draining(), pick)));
        }
    }

    /** {@code POST /rebalance/}, 0 = uncapped. */
    record Rebalance(int maxMoves) implements Event {
        public Cluster applyTo(Cluster c) {
            return c;
        }
    }

    @Provide
    Arbitrary<List<Event>> histories() {
        Arbitrary<Integer> node = Arbitraries.integers().between(0, 24);
        Arbitrary<Integer> pick = Arbitraries.integers().between(0, 1000);
        Arbitrary<Event> events = Arbitraries.frequencyOf(
                Tuple.of(6, node.map(Join::new)),
                Tuple.of(3, pick.map(Leave::new)),
                Tuple.of(2, node.map(Drain::new)),
                Tuple.of(2, pick.map(Undrain::new)),
                Tuple.of(4, Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.just(0)),
                        Tuple.of(1, Arbitraries.integers().between(1, 60))).map(Rebalance::new)));
        return events.list().ofMinSize(1).ofMaxSize(40);
    }

    // ---- helpers ----

    private static Set<String> eligible(Cluster cluster) {
        Set<String> eligible = new TreeSet<>(cluster.live());
        eligible.removeAll(cluster.draining());
        return eligible;
    }

    /** {@code n} node ids that sort in numeric order. */
    private static Set<String> nodes(int n) {
        Set<String> nodes = new TreeSet<>();
        IntStream.range(0, n).forEach(i -> nodes.add("n%03d".formatted(i)));
        return nodes;
    }

    /** A balanced, fully owned map over {@code live}, reached from {@code start} by an uncapped rebalance. */
    private static Map<Bucket, String> balance(Map<Bucket, String> start, Set<String> live) {
        Map<Bucket, String> balanced = BucketAssigner.assign(AssignmentRequest.rebalance(start, live, Set.of(), 0)).assignment();
        assertThat(coveredAndBalanced(balanced, live)).as("precondition: balanced").isTrue();
        return balanced;
    }

    private static Set<Bucket> bucketsOf(Map<Bucket, String> map, String node) {
        Set<Bucket> buckets = new TreeSet<>();
        map.forEach((bucket, owner) -> {
            if (owner.equals(node)) {
                buckets.add(bucket);
            }
        });
        return buckets;
    }

    private static Map<Bucket, String> toMap(List<String> owners) {
        Map<Bucket, String> map = new TreeMap<>();
        for (int b = 0; b < owners.size(); b++) {
            if (owners.get(b) != null) {
                map.put(Bucket.of(b), owners.get(b));
            }
        }
        return map;
    }

    private static String pickFrom(Set<String> set, int pick) {
        return new ArrayList<>(set).get(pick % set.size());
    }

    private static Set<String> with(Set<String> set, String id) {
        Set<String> copy = new TreeSet<>(set);
        copy.add(id);
        return copy;
    }

    private static Set<String> without(Set<String> set, String id) {
        Set<String> copy = new TreeSet<>(set);
        copy.remove(id);
        return copy;
    }
}
