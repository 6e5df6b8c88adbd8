package dtable.core.assign;

import dtable.core.bucket.Bucket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Stability across a lost etcd: nodes report in their registration the buckets they held
 * ({@code held_buckets}), and an unassigned bucket goes back to the eligible node that held it before the
 * assignment function places the remaining orphans. So the first assignment after etcd came back empty
 * moves only what must move: buckets whose holder is gone (or draining, or claimed by two nodes) are
 * placed as orphans, every other bucket stays where it was served.
 *
 * <p>Only unassigned buckets are returned: a bucket with an owner in the map is the map's business (a
 * registration value is written once per lease and may be older than the map). A bucket reported by two
 * eligible nodes (one of them stale) is not returned to either. Pure and deterministic; thread-safe.
 */
public final class HeldBuckets {

    private HeldBuckets() {
    }

    /**
     * Unassigned buckets of {@code current} that exactly one eligible (live, not draining) node reports
     * holding, with that node, in bucket order.
     */
    public static SortedMap<Bucket, String> returns(Map<Bucket, String> current, Map<String, ? extends Collection<Bucket>> held,
                                                    Set<String> live, Set<String> draining) {
        Map<Bucket, String> holder = new HashMap<>();
        Set<Bucket> disputed = new java.util.HashSet<>();
        for (Map.Entry<String, ? extends Collection<Bucket>> entry : new TreeMap<>(held).entrySet()) {
            String node = entry.getKey();
            if (!live.contains(node) || draining.contains(node)) {
                continue;
            }
            for (Bucket bucket : entry.getValue()) {
                if (current.get(bucket) != null) {
                    continue;
                }
                String other = holder.putIfAbsent(bucket, node);
                if (other != null && !other.equals(node)) {
                    disputed.add(bucket);
                }
            }
        }
        SortedMap<Bucket, String> returns = new TreeMap<>(holder);
        returns.keySet().removeAll(disputed);
        return returns;
    }

    /**
     * {@link BucketAssigner#assign} after giving unassigned buckets back to their holders: the result's
     * moves are the returns (reason {@link MoveReason#UNASSIGNED}) followed by the assigner's moves, and its
     * changes are relative to {@code request.current()}.
     */
    public static AssignmentResult assign(AssignmentRequest request, Map<String, ? extends Collection<Bucket>> held) {
        SortedMap<Bucket, String> returns = returns(request.current(), held, request.liveNodes(), request.drainingNodes());
        if (returns.isEmpty()) {
            return BucketAssigner.assign(request);
        }
        Map<Bucket, String> seeded = new TreeMap<>(request.current());
        seeded.putAll(returns);
        AssignmentResult rest = BucketAssigner.assign(new AssignmentRequest(seeded, request.liveNodes(),
                request.drainingNodes(), request.mode(), request.maxMoves()));
        List<Move> moves = new ArrayList<>();
        returns.forEach((bucket, node) -> moves.add(new Move(bucket, null, node, MoveReason.UNASSIGNED)));
        for (Move move : rest.moves()) {
            // a returned bucket the assigner then moved on (a rebalance): one move from nowhere to its final owner
            if (returns.containsKey(move.bucket())) {
                moves.removeIf(m -> m.bucket().equals(move.bucket()));
                moves.add(new Move(move.bucket(), null, move.to(), MoveReason.UNASSIGNED));
            } else {
                moves.add(move);
            }
        }
        return new AssignmentResult(rest.assignment(), moves);
    }
}
