package dtable.core.assign;

import dtable.core.bucket.Bucket;
import java.util.List;
import java.util.Set;

/**
 * Decides which node owns each of the 256 buckets (SPEC §4). A pure function: no I/O, no clock,
 * no randomness, no shared state; safe to call from any thread.
 *
 * <p>Priorities, highest first: <b>eligibility &gt; stability &gt; balance &gt; determinism</b>.
 * A node is <em>eligible</em> when it is live and not draining.
 * <ol>
 *   <li><b>Eligibility.</b> After the call every bucket belongs to an eligible node whenever one
 *       exists. With no eligible node the map is returned unchanged and nothing moves (an empty
 *       cluster keeps its map, so the buckets go back to their owners if those return).</li>
 *   <li><b>Stability.</b> In {@link Mode#MAINTAIN} a bucket whose owner is eligible never moves.</li>
 *   <li><b>Orphans</b> (unassigned, owner dead, owner draining) are placed one by one in bucket
 *       order, each on the eligible node with the fewest buckets at that moment (counting the ones
 *       given out earlier in the same call), ties broken by the lexicographically smallest node id.</li>
 *   <li><b>Balance</b> ({@link Mode#REBALANCE} only). After placing orphans, with {@code n} eligible
 *       nodes, {@code q = 256 / n} and {@code r = 256 % n}, the {@code r} nodes holding the most
 *       buckets (ties: smallest id) get a target of {@code q + 1}, the others {@code q}. Buckets move
 *       only from nodes above their target to nodes below it, so the number of moves is the minimum
 *       possible: orphans plus the sum of the excesses over target. Each step takes the highest-
 *       numbered bucket of the most loaded donor (ties: smallest id) and gives it to the least
 *       loaded receiver (ties: smallest id), so a capped call makes the most useful moves first.
 *       Consequences: a join of one node to {@code N} balanced nodes moves exactly
 *       {@code floor(256 / (N + 1))} buckets, all to the new node; a leave moves only the departed
 *       node's buckets. {@code maxMoves > 0} caps the moves of the call, orphan placements included;
 *       orphans are always placed even beyond the cap (eligibility beats the cap), and then no
 *       balancing move is made.</li>
 *   <li><b>Determinism.</b> The same request gives the same result; nothing depends on hash order
 *       (the request holds sorted copies of its inputs).</li>
 * </ol>
 *
 * <p>Cost: O(256 log n + n) for n eligible nodes (a heap over the nodes, a histogram of counts for
 * the targets), so a call over 1,000 nodes takes microseconds.
 */
public final class BucketAssigner {

    private BucketAssigner() {
    }

    /**
     * Computes the next bucket map.
     *
     * @throws IllegalArgumentException when {@code request} is null (the request validates the rest)
     */
    public static AssignmentResult assign(AssignmentRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("assignment request must not be null");
        }
        String[] eligible = eligibleNodes(request.liveNodes(), request.drainingNodes());
        if (eligible.length == 0) {
            return new AssignmentResult(request.current(), List.of());
        }
        Placement placement = new Placement(request, eligible);
        int orphans = placement.placeOrphans();
        if (request.mode() == Mode.REBALANCE) {
            placement.rebalance(balancingBudget(request.maxMoves(), orphans));
        }
        return placement.result();
    }

    /** Live, non-draining node ids in ascending order (the request's sets are sorted). */
    private static String[] eligibleNodes(Set<String> live, Set<String> draining) {
        return live.stream().filter(id -> !draining.contains(id)).toArray(String[]::new);
    }

    /** How many balancing moves the cap leaves after the orphan placements (which it never cuts). */
    private static int balancingBudget(int maxMoves, int orphanMoves) {
        return maxMoves == 0 ? Bucket.COUNT : Math.max(0, maxMoves - orphanMoves);
    }
}
