package dtable.core.assign;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.Bucket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Invariants of {@link BucketAssigner}, computed independently of its implementation (no heaps,
 * no histogram: plain sorting and counting), shared by the example and property tests.
 */
final class AssignmentChecks {

    private AssignmentChecks() {
    }

    static Set<String> eligible(AssignmentRequest request) {
        Set<String> eligible = new TreeSet<>(request.liveNodes());
        eligible.removeAll(request.drainingNodes());
        return eligible;
    }

    /** Buckets with no eligible owner: those that must move whenever an eligible node exists. */
    static int orphans(AssignmentRequest request) {
        Set<String> eligible = eligible(request);
        int orphans = 0;
        for (Bucket bucket : Bucket.all()) {
            String owner = request.current().get(bucket);
            if (owner == null || !eligible.contains(owner)) {
                orphans++;
            }
        }
        return orphans;
    }

    /** Bucket count per eligible node (zero included), counting only buckets in {@code map}. */
    static Map<String, Integer> counts(Map<Bucket, String> map, Set<String> eligible) {
        Map<String, Integer> counts = new TreeMap<>();
        eligible.forEach(node -> counts.put(node, 0));
        map.values().forEach(node -> counts.computeIfPresent(node, (n, c) -> c + 1));
        return counts;
    }

    /**
     * The fewest balancing moves any algorithm needs once orphans are placed: with targets q + 1 for
     * the r nodes that already hold most and q for the rest, the sum of the excesses over target of
     * the buckets that stay put. Orphans do not change it, since they can always go to nodes below target.
     */
    static int minimalBalancingMoves(AssignmentRequest request) {
        Set<String> eligible = eligible(request);
        int n = eligible.size();
        int q = Bucket.COUNT / n;
        int r = Bucket.COUNT % n;
        List<Integer> descending = new ArrayList<>(counts(request.current(), eligible).values());
        descending.sort(Comparator.reverseOrder());
        int excess = 0;
        for (int i = 0; i < n; i++) {
            int target = i < r ? q + 1 : q;
            excess += Math.max(0, descending.get(i) - target);
        }
        return excess;
    }

    static boolean coveredAndBalanced(Map<Bucket, String> map, Set<String> eligible) {
        if (eligible.isEmpty() || map.size() != Bucket.COUNT || !eligible.containsAll(map.values())) {
            return false;
        }
        Map<String, Integer> counts = counts(map, eligible);
        return Collections.max(counts.values()) - Collections.min(counts.values()) <= 1;
    }

    /** Checks every rule of SPEC §4 that can be judged from one request and its result. */
    static void checkInvariants(AssignmentRequest request, AssignmentResult result) {
        Set<String> eligible = eligible(request);
        if (eligible.isEmpty()) {
            assertThat(result.assignment()).as("no eligible node: map unchanged").isEqualTo(request.current());
            assertThat(result.moves()).as("no eligible node: no moves").isEmpty();
            return;
        }
        assertThat(result.assignment().keySet()).as("every bucket has an owner").hasSize(Bucket.COUNT);
        assertThat(eligible).as("every owner is eligible").containsAll(result.assignment().values());
        checkMovesDescribeTheChange(request, result);
        long balancingMoves = result.moves().stream().filter(m -> m.reason() == MoveReason.REBALANCE).count();
        int orphans = orphans(request);
        assertThat(result.moves().size() - balancingMoves).as("orphan placements").isEqualTo(orphans);
        if (request.mode() == Mode.MAINTAIN) {
            assertThat(balancingMoves).as("MAINTAIN never moves a bucket of an eligible owner").isZero();
            return;
        }
        int budget = request.maxMoves() == 0 ? Integer.MAX_VALUE : Math.max(0, request.maxMoves() - orphans);
        assertThat(balancingMoves).as("REBALANCE makes the minimal number of moves (within the cap)")
                .isEqualTo(Math.min(minimalBalancingMoves(request), budget));
        if (request.maxMoves() == 0) {
            assertThat(coveredAndBalanced(result.assignment(), eligible))
                    .as("uncapped REBALANCE: counts %s within one", counts(result.assignment(), eligible)).isTrue();
        }
    }

    private static void checkMovesDescribeTheChange(AssignmentRequest request, AssignmentResult result) {
        Set<Bucket> moved = new TreeSet<>();
        for (Move move : result.moves()) {
            assertThat(moved.add(move.bucket())).as("bucket %s moves at most once", move.bucket()).isTrue();
            assertThat(move.from()).as("from of %s", move.bucket()).isEqualTo(request.current().get(move.bucket()));
            assertThat(move.to()).as("to of %s", move.bucket()).isEqualTo(result.assignment().get(move.bucket()))
                    .isNotEqualTo(move.from());
            assertThat(move.reason()).as("reason of %s", move).isEqualTo(expectedReason(request, move.from()));
        }
        Map<Bucket, String> changed = new TreeMap<>();
        for (Bucket bucket : Bucket.all()) {
            String before = request.current().get(bucket);
            String after = result.assignment().get(bucket);
            if (!after.equals(before)) {
                changed.put(bucket, after);
            }
        }
        assertThat(moved).as("moved buckets are exactly the changed ones").isEqualTo(changed.keySet());
        assertThat(result.changes()).isEqualTo(changed);
        assertThat(result.changed()).isEqualTo(!changed.isEmpty());
    }

    private static MoveReason expectedReason(AssignmentRequest request, String from) {
        if (from == null) {
            return MoveReason.UNASSIGNED;
        }
        if (!request.liveNodes().contains(from)) {
            return MoveReason.OWNER_DEAD;
        }
        return request.drainingNodes().contains(from) ? MoveReason.OWNER_DRAINING : MoveReason.REBALANCE;
    }

    /** Same result twice, and with the input collections rebuilt in a shuffled insertion order. */
    static void checkDeterminism(AssignmentRequest request, AssignmentResult result, long seed) {
        assertThat(BucketAssigner.assign(request)).as("same input, same output").isEqualTo(result);
        AssignmentRequest shuffled = new AssignmentRequest(shuffled(request.current(), seed),
                shuffled(request.liveNodes(), seed + 1), shuffled(request.drainingNodes(), seed + 2),
                request.mode(), request.maxMoves());
        assertThat(BucketAssigner.assign(shuffled)).as("insertion order does not matter").isEqualTo(result);
    }

    static <K, V> Map<K, V> shuffled(Map<K, V> map, long seed) {
        List<Map.Entry<K, V>> entries = new ArrayList<>(map.entrySet());
        Collections.shuffle(entries, new Random(seed));
        Map<K, V> copy = seed % 2 == 0 ? new LinkedHashMap<>() : new HashMap<>();
        entries.forEach(e -> copy.put(e.getKey(), e.getValue()));
        return copy;
    }

    static <T> Set<T> shuffled(Set<T> set, long seed) {
        List<T> items = new ArrayList<>(set);
        Collections.shuffle(items, new Random(seed));
        return new LinkedHashSet<>(items);
    }

    /** Bucket b → nodes[b % nodes.length]. */
    static Map<Bucket, String> roundRobin(String... nodes) {
        Map<Bucket, String> map = new TreeMap<>();
        for (Bucket bucket : Bucket.all()) {
            map.put(bucket, nodes[bucket.index() % nodes.length]);
        }
        return map;
    }
}
