package dtable.bench.assign;

import dtable.core.assign.AssignmentRequest;
import dtable.core.assign.AssignmentResult;
import dtable.core.assign.BucketAssigner;
import dtable.core.bucket.Bucket;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of one {@link BucketAssigner#assign} call as the monitor leader makes it: after nodes die
 * (MAINTAIN places their buckets) and after one node joins (REBALANCE). The requests are built in
 * the setup, so only the assignment is timed (building a request copies its inputs into sorted
 * collections, which the monitor pays once per call as well).
 *
 * <p>{@code liveNodes = 1000} is the case the SPEC asks about; {@code 16} is a realistic cluster in
 * which the rebalance actually has buckets to move (with 1,000 nodes and 256 buckets, a join to a
 * balanced cluster moves floor(256 / 1001) = 0 buckets).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AssignmentBenchmark {

    private static final int DEAD_NODES = 10;

    @Param({"1000", "16"})
    int liveNodes;

    private AssignmentRequest maintainAfterDeaths;
    private AssignmentRequest rebalanceAfterJoin;

    @Setup(Level.Trial)
    public void buildRequests() {
        // (a) liveNodes + 10 nodes, balanced; then the 10 nodes with the smallest ids die. Those
        // are the ones holding buckets even with 1,010 nodes (ties go to the smallest id).
        Set<String> beforeDeaths = nodes(liveNodes + DEAD_NODES);
        Map<Bucket, String> balancedBefore = balanced(beforeDeaths);
        Set<String> survivors = new TreeSet<>(beforeDeaths);
        survivors.removeAll(new TreeSet<>(beforeDeaths).stream().limit(DEAD_NODES).toList());
        maintainAfterDeaths = AssignmentRequest.maintain(balancedBefore, survivors, Set.of());

        // (b) liveNodes nodes, balanced; then one more node registers.
        Set<String> cluster = nodes(liveNodes);
        Map<Bucket, String> balanced = balanced(cluster);
        Set<String> joined = new TreeSet<>(cluster);
        joined.add("node-joiner");
        rebalanceAfterJoin = AssignmentRequest.rebalance(balanced, joined, Set.of(), 0);

        // guard against benchmarking a degenerate input
        int orphans = BucketAssigner.assign(maintainAfterDeaths).moves().size();
        int joinMoves = BucketAssigner.assign(rebalanceAfterJoin).moves().size();
        if (orphans == 0 || joinMoves != Bucket.COUNT / (liveNodes + 1)) {
            throw new IllegalStateException("unexpected setup: " + orphans + " orphans, " + joinMoves + " join moves");
        }
        System.out.printf("%n[setup] liveNodes=%d: MAINTAIN places %d orphans, REBALANCE after a join moves %d%n",
                liveNodes, orphans, joinMoves);
    }

    @Benchmark
    public AssignmentResult maintainAfterTenDeaths() {
        return BucketAssigner.assign(maintainAfterDeaths);
    }

    @Benchmark
    public AssignmentResult rebalanceAfterOneJoin() {
        return BucketAssigner.assign(rebalanceAfterJoin);
    }

    private static Set<String> nodes(int count) {
        Set<String> nodes = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            nodes.add("node-%04d".formatted(i));
        }
        return nodes;
    }

    private static Map<Bucket, String> balanced(Set<String> nodes) {
        return BucketAssigner.assign(AssignmentRequest.rebalance(Map.of(), nodes, Set.of(), 0)).assignment();
    }
}
