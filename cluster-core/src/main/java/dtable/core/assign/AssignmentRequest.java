package dtable.core.assign;

import dtable.core.bucket.Bucket;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The input of {@link BucketAssigner#assign}: what the monitor knows about the cluster at one moment.
 *
 * <p>Immutable. The constructor validates and copies its arguments into sorted collections, so the
 * caller's collections (and their iteration order) never influence the result, and the accessors
 * return unmodifiable, sorted views.
 *
 * @param current       bucket → owning node id; a bucket that is absent is unassigned
 * @param liveNodes     the registered nodes (those holding a lease)
 * @param drainingNodes nodes to be emptied; may include nodes that are not live
 * @param mode          {@link Mode#MAINTAIN} or {@link Mode#REBALANCE}
 * @param maxMoves      0 = unlimited; otherwise caps the moves of one {@link Mode#REBALANCE} call
 *                      (orphan placement is never cut, see {@link BucketAssigner}); ignored by MAINTAIN
 * @throws IllegalArgumentException on a null argument, a null bucket, a null or empty node id,
 *                                  or {@code maxMoves < 0}
 */
public record AssignmentRequest(Map<Bucket, String> current, Set<String> liveNodes, Set<String> drainingNodes,
                                Mode mode, int maxMoves) {

    public AssignmentRequest {
        if (mode == null) {
            throw new IllegalArgumentException("mode must not be null");
        }
        if (maxMoves < 0) {
            throw new IllegalArgumentException("maxMoves must be >= 0 (0 = unlimited), was " + maxMoves);
        }
        current = copyOwners(current);
        liveNodes = copyNodeIds("liveNodes", liveNodes);
        drainingNodes = copyNodeIds("drainingNodes", drainingNodes);
    }

    /** A request that only places orphaned buckets and moves nothing else. */
    public static AssignmentRequest maintain(Map<Bucket, String> current, Set<String> live, Set<String> draining) {
        return new AssignmentRequest(current, live, draining, Mode.MAINTAIN, 0);
    }

    /** A request that places orphans and then evens out the counts, with at most {@code maxMoves} moves (0 = unlimited). */
    public static AssignmentRequest rebalance(Map<Bucket, String> current, Set<String> live, Set<String> draining,
                                              int maxMoves) {
        return new AssignmentRequest(current, live, draining, Mode.REBALANCE, maxMoves);
    }

    private static SortedMap<Bucket, String> copyOwners(Map<Bucket, String> current) {
        if (current == null) {
            throw new IllegalArgumentException("current assignment must not be null (use an empty map)");
        }
        TreeMap<Bucket, String> copy = new TreeMap<>();
        for (Map.Entry<Bucket, String> entry : current.entrySet()) {
            if (entry.getKey() == null) {
                throw new IllegalArgumentException("current assignment contains a null bucket");
            }
            copy.put(entry.getKey(), checkNodeId("owner of bucket " + entry.getKey(), entry.getValue()));
        }
        return Collections.unmodifiableSortedMap(copy);
    }

    private static SortedSet<String> copyNodeIds(String what, Collection<String> ids) {
        if (ids == null) {
            throw new IllegalArgumentException(what + " must not be null (use an empty set)");
        }
        TreeSet<String> copy = new TreeSet<>();
        for (String id : ids) {
            copy.add(checkNodeId(what, id));
        }
        return Collections.unmodifiableSortedSet(copy);
    }

    private static String checkNodeId(String what, String id) {
        if (id == null) {
            throw new IllegalArgumentException(what + ": node id must not be null");
        }
        if (id.isBlank()) {
            throw new IllegalArgumentException(what + ": node id must not be empty or blank, was '" + id + "'");
        }
        return id;
    }
}
