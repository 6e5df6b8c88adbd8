package dtable.core.assign;

import dtable.core.bucket.Bucket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The working state of one {@link BucketAssigner#assign} call: who owns each bucket so far, and
 * how many buckets each eligible node holds. Nodes are referred to by their index in the id-sorted
 * eligible array, so index order is id order.
 *
 * <p>Confined to the calling thread; never escapes the call.
 */
final class Placement {

    private static final int ORPHAN = -1;

    private final AssignmentRequest request;
    private final String[] eligible;
    /** Owner of each bucket as an index into {@link #eligible}, or {@link #ORPHAN}. */
    private final int[] owner = new int[Bucket.COUNT];
    private final int[] counts;
    private final List<Move> moves = new ArrayList<>();

    Placement(AssignmentRequest request, String[] eligible) {
        this.request = request;
        this.eligible = eligible;
        this.counts = new int[eligible.length];
        Arrays.fill(owner, ORPHAN);
        request.current().forEach((bucket, nodeId) -> {
            int node = Arrays.binarySearch(eligible, nodeId);
            if (node >= 0) {
                owner[bucket.index()] = node;
                counts[node]++;
            }
        });
    }

    /** Rule 3: gives every orphan, in bucket order, to the least loaded node. Returns the number placed. */
    int placeOrphans() {
        NodeLoadQueue leastLoaded = null;
        int placed = 0;
        for (int b = 0; b < Bucket.COUNT; b++) {
            if (owner[b] != ORPHAN) {
                continue;
            }
            if (leastLoaded == null) {
                // built lazily: most calls have no orphan at all
                leastLoaded = new NodeLoadQueue(eligible.length);
                for (int node = 0; node < eligible.length; node++) {
                    leastLoaded.addUnordered(counts[node], node);
                }
                leastLoaded.heapify();
            }
            int node = leastLoaded.poll();
            moveTo(Bucket.of(b), node, orphanReason(Bucket.of(b)));
            leastLoaded.add(counts[node], node);
            placed++;
        }
        return placed;
    }

    /** Rule 4: moves at most {@code budget} buckets from nodes above their target to nodes below it. */
    void rebalance(int budget) {
        int[] target = targets();
        NodeLoadQueue mostLoadedDonors = new NodeLoadQueue(eligible.length);
        NodeLoadQueue leastLoadedReceivers = new NodeLoadQueue(eligible.length);
        for (int node = 0; node < eligible.length; node++) {
            if (counts[node] > target[node]) {
                mostLoadedDonors.addUnordered(-counts[node], node);
            } else if (counts[node] < target[node]) {
                leastLoadedReceivers.addUnordered(counts[node], node);
            }
        }
        mostLoadedDonors.heapify();
        leastLoadedReceivers.heapify();
        int[] highestBucket = new int[eligible.length];
        int[] nextLowerBucket = bucketStacks(highestBucket);
        // Total excess equals total deficit (both sum to 256), so a receiver exists while a donor does.
        for (int moved = 0; moved < budget && !mostLoadedDonors.isEmpty(); moved++) {
            int donor = mostLoadedDonors.poll();
            int receiver = leastLoadedReceivers.poll();
            int bucket = highestBucket[donor];
            highestBucket[donor] = nextLowerBucket[bucket];
            moveTo(Bucket.of(bucket), receiver, MoveReason.REBALANCE);
            if (counts[donor] > target[donor]) {
                mostLoadedDonors.add(-counts[donor], donor);
            }
            if (counts[receiver] < target[receiver]) {
                leastLoadedReceivers.add(counts[receiver], receiver);
            }
        }
    }

    AssignmentResult result() {
        TreeMap<Bucket, String> assignment = new TreeMap<>();
        for (Bucket bucket : Bucket.all()) {
            assignment.put(bucket, eligible[owner[bucket.index()]]);
        }
        return new AssignmentResult(assignment, moves);
    }

    /**
     * q + 1 for the r most loaded nodes (ties: smallest id), q for the rest. Giving the extra bucket
     * to the most loaded nodes is what makes the sum of excesses, hence the number of moves, minimal.
     * Uses a histogram of counts instead of sorting the nodes.
     */
    private int[] targets() {
        int n = eligible.length;
        int q = Bucket.COUNT / n;
        int extra = Bucket.COUNT % n;
        int[] nodesWithCount = new int[Bucket.COUNT + 1];
        for (int count : counts) {
            nodesWithCount[count]++;
        }
        // Every node above `threshold` gets q + 1; of the nodes at `threshold`, the first `tieSlots` by id do.
        int threshold = -1;
        int tieSlots = 0;
        for (int count = Bucket.COUNT; count >= 0; count--) {
            if (nodesWithCount[count] > extra) {
                threshold = count;
                tieSlots = extra;
                break;
            }
            extra -= nodesWithCount[count];
        }
        int[] target = new int[n];
        for (int node = 0; node < n; node++) {
            boolean getsExtra = counts[node] > threshold || (counts[node] == threshold && tieSlots-- > 0);
            target[node] = getsExtra ? q + 1 : q;
        }
        return target;
    }

    /**
     * Each node's buckets as a linked stack, highest bucket on top: {@code highestBucket[node]} is
     * its top ({@link #ORPHAN} when empty) and the returned array links each bucket to the next lower
     * one of the same owner.
     */
    private int[] bucketStacks(int[] highestBucket) {
        Arrays.fill(highestBucket, ORPHAN);
        int[] nextLower = new int[Bucket.COUNT];
        for (int b = 0; b < Bucket.COUNT; b++) {
            nextLower[b] = highestBucket[owner[b]];
            highestBucket[owner[b]] = b;
        }
        return nextLower;
    }

    private MoveReason orphanReason(Bucket bucket) {
        String previous = request.current().get(bucket);
        if (previous == null) {
            return MoveReason.UNASSIGNED;
        }
        return request.liveNodes().contains(previous) ? MoveReason.OWNER_DRAINING : MoveReason.OWNER_DEAD;
    }

    private void moveTo(Bucket bucket, int node, MoveReason reason) {
        int previous = owner[bucket.index()];
        String from = previous == ORPHAN ? request.current().get(bucket) : eligible[previous];
        if (previous != ORPHAN) {
            counts[previous]--;
        }
        owner[bucket.index()] = node;
        counts[node]++;
        moves.add(new Move(bucket, from, eligible[node], reason));
    }
}
