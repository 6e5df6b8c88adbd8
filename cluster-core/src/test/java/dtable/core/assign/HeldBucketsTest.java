package dtable.core.assign;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.Bucket;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class HeldBucketsTest {

    private static Set<Bucket> range(int from, int to) {
        Set<Bucket> set = new TreeSet<>();
        for (int i = from; i < to; i++) {
            set.add(Bucket.of(i));
        }
        return set;
    }

    @Test
    void anEmptyMapGoesBackToItsHoldersAndOnlyTheDeadNodesBucketsAreSpread() {
        Map<String, Set<Bucket>> held = Map.of("a", range(0, 86), "b", range(86, 171), "c", range(171, 256));
        AssignmentResult result = HeldBuckets.assign(AssignmentRequest.maintain(Map.of(), Set.of("a", "b"), Set.of()), held);

        range(0, 86).forEach(b -> assertThat(result.assignment().get(b)).isEqualTo("a"));
        range(86, 171).forEach(b -> assertThat(result.assignment().get(b)).isEqualTo("b"));
        assertThat(result.assignment()).hasSize(256);
        assertThat(result.moves()).hasSize(256).allMatch(m -> m.from() == null && m.reason() == MoveReason.UNASSIGNED);
        // c's 85 buckets are the orphans, spread so that a and b end within one of each other
        long toA = result.assignment().values().stream().filter("a"::equals).count();
        assertThat(Math.abs(toA - (256 - toA))).isLessThanOrEqualTo(1);
        assertThat(result.changes()).hasSize(256);
    }

    @Test
    void assignedBucketsDisputedBucketsAndIneligibleHoldersAreNotReturned() {
        Map<Bucket, String> current = new HashMap<>(Map.of(Bucket.of(1), "b"));
        Map<String, Set<Bucket>> held = Map.of(
                "a", Set.of(Bucket.of(0), Bucket.of(1), Bucket.of(2)),
                "b", Set.of(Bucket.of(2)),
                "d", Set.of(Bucket.of(3)),
                "gone", Set.of(Bucket.of(4)));
        var returns = HeldBuckets.returns(current, held, Set.of("a", "b", "d"), Set.of("d"));
        assertThat(returns).containsExactly(Map.entry(Bucket.of(0), "a"));
    }

    @Test
    void withNothingHeldItIsTheAssigner() {
        AssignmentRequest request = AssignmentRequest.maintain(Map.of(), Set.of("a", "b"), Set.of());
        assertThat(HeldBuckets.assign(request, Map.of())).isEqualTo(BucketAssigner.assign(request));
    }

    @Test
    void aRebalanceAfterReturnsCountsEachBucketOnce() {
        Map<String, Set<Bucket>> held = Map.of("a", range(0, 256));
        AssignmentResult result = HeldBuckets.assign(
                AssignmentRequest.rebalance(Map.of(), Set.of("a", "b"), Set.of(), 0), held);
        assertThat(result.moves()).hasSize(256);
        assertThat(result.moves().stream().map(Move::bucket).distinct().count()).isEqualTo(256);
        assertThat(result.assignment().values().stream().filter("b"::equals).count()).isEqualTo(128);
        result.moves().forEach(m -> assertThat(m.to()).isEqualTo(result.assignment().get(m.bucket())));
    }
}
