package dtable.core.assign;

import dtable.core.bucket.Bucket;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The output of {@link BucketAssigner#assign}. Immutable.
 *
 * @param assignment every bucket that has an owner after the call, in bucket order (unmodifiable)
 * @param moves      the moves that lead from the request's map to {@code assignment}: orphan placements
 *                   in bucket order, then rebalancing moves in the order they were chosen. A bucket
 *                   appears at most once.
 */
public record AssignmentResult(Map<Bucket, String> assignment, List<Move> moves) {

    public AssignmentResult {
        if (assignment == null || moves == null) {
            throw new IllegalArgumentException("assignment and moves must not be null");
        }
        assignment = Collections.unmodifiableSortedMap(new TreeMap<>(assignment));
        moves = List.copyOf(moves);
    }

    /** True when at least one bucket changed owner, i.e. there is something to write. */
    public boolean changed() {
        return !moves.isEmpty();
    }

    /** Only the buckets whose owner changed, with their new owner, in bucket order: what the monitor writes. */
    public Map<Bucket, String> changes() {
        SortedMap<Bucket, String> changes = new TreeMap<>();
        for (Move move : moves) {
            changes.put(move.bucket(), move.to());
        }
        return Collections.unmodifiableSortedMap(changes);
    }
}
