package dtable.core.assign;

import static dtable.core.assign.AssignmentChecks.checkDeterminism;
import static dtable.core.assign.AssignmentChecks.checkInvariants;
import static dtable.core.assign.AssignmentChecks.counts;
import static dtable.core.assign.AssignmentChecks.roundRobin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.core.bucket.Bucket;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Exact expected results of {@link BucketAssigner} on hand-made clusters. */
class BucketAssignerTest {

    private static final Set<String> NONE = Set.of();

    private static AssignmentResult assign(AssignmentRequest request) {
        AssignmentResult result = BucketAssigner.assign(request);
        checkInvariants(request, result);
        return result;
    }

    @Test
    void emptyMapWithTwoNodesIsSplitAlternately() {
        AssignmentResult result = assign(AssignmentRequest.maintain(Map.of(), Set.of("b", "a"), NONE));

        assertThat(counts(result.assignment(), Set.of("a", "b"))).isEqualTo(Map.of("a", 128, "b", 128));
        // one by one in bucket order, to the least loaded, ties to the smallest id
        assertThat(result.assignment()).containsEntry(Bucket.of("00"), "a").containsEntry(Bucket.of("01"), "b")
                .containsEntry(Bucket.of("fe"), "a").containsEntry(Bucket.of("ff"), "b");
        assertThat(result.moves()).hasSize(256).allMatch(m -> m.reason() == MoveReason.UNASSIGNED && m.from() == null);
        assertThat(result.changes()).isEqualTo(result.assignment());
    }

    @Test
    void maintainNeverMovesBucketsOfEligibleOwners() {
        Map<Bucket, String> current = roundRobin("a", "b");

        AssignmentResult result = assign(AssignmentRequest.maintain(current, Set.of("a", "b", "c"), NONE));

        assertThat(result.changed()).isFalse();
        assertThat(result.changes()).isEmpty();
        assertThat(result.assignment()).isEqualTo(current).doesNotContainValue("c");
    }

    @Test
    void deadNodesBucketsGoToTheLeastLoadedFirst() {
        Map<Bucket, String> current = ranges(Map.of("a", 100, "b", 50, "c", 106));

        AssignmentResult result = assign(AssignmentRequest.maintain(current, Set.of("a", "b"), NONE));

        Map<Bucket, String> expected = new TreeMap<>(current);
        for (int b = 150; b < 200; b++) {
            expected.put(Bucket.of(b), "b"); // b catches up from 50 to 100
        }
        for (int b = 200; b < 256; b++) {
            expected.put(Bucket.of(b), b % 2 == 0 ? "a" : "b"); // then a tie, broken by id: a, b, a, ...
        }
        assertThat(result.assignment()).isEqualTo(expected);
        assertThat(result.moves()).hasSize(106).allMatch(m -> m.reason() == MoveReason.OWNER_DEAD && "c".equals(m.from()));
        assertThat(result.moves().getFirst()).isEqualTo(new Move(Bucket.of(150), "c", "b", MoveReason.OWNER_DEAD));
        // already balanced by the orphan placement: a rebalance does exactly the same
        assertThat(assign(AssignmentRequest.rebalance(current, Set.of("a", "b"), NONE, 0))).isEqualTo(result);
    }

    @Test
    void drainingNodeIsEmptiedEvenInMaintain() {
        Map<Bucket, String> current = roundRobin("a", "b", "c");

        AssignmentResult result = assign(AssignmentRequest.maintain(current, Set.of("a", "b", "c"), Set.of("c", "x")));

        assertThat(result.assignment()).doesNotContainValue("c");
        assertThat(result.changes().keySet()).containsExactlyElementsOf(
                Bucket.all().stream().filter(b -> "c".equals(current.get(b))).toList());
        assertThat(result.moves()).hasSize(85).allMatch(m -> m.reason() == MoveReason.OWNER_DRAINING);
        assertThat(counts(result.assignment(), Set.of("a", "b"))).isEqualTo(Map.of("a", 128, "b", 128));
    }

    @Test
    void joinOfOneNodeToTwoBalancedNodesMovesExactly85OnRebalance() {
        Map<Bucket, String> current = roundRobin("a", "b");
        Set<String> live = Set.of("a", "b", "c");

        assertThat(assign(AssignmentRequest.maintain(current, live, NONE)).changed()).isFalse();
        AssignmentResult result = assign(AssignmentRequest.rebalance(current, live, NONE, 0));

        assertThat(result.moves()).hasSize(85) // floor(256 / 3)
                .allMatch(m -> m.reason() == MoveReason.REBALANCE && "c".equals(m.to()));
        // the extra bucket stays with the most loaded node, tie broken by id
        assertThat(counts(result.assignment(), live)).isEqualTo(Map.of("a", 86, "b", 85, "c", 85));
        // most loaded donor first (tie: a), its highest bucket first
        assertThat(result.moves().subList(0, 3)).containsExactly(
                new Move(Bucket.of("fe"), "a", "c", MoveReason.REBALANCE),
                new Move(Bucket.of("ff"), "b", "c", MoveReason.REBALANCE),
                new Move(Bucket.of("fc"), "a", "c", MoveReason.REBALANCE));
    }

    @Test
    void leaveMovesOnlyTheDepartedNodesBuckets() {
        Map<Bucket, String> current = roundRobin("a", "b", "c");
        List<Bucket> ofC = Bucket.all().stream().filter(b -> "c".equals(current.get(b))).toList();

        AssignmentResult maintained = assign(AssignmentRequest.maintain(current, Set.of("a", "b"), NONE));
        AssignmentResult rebalanced = assign(AssignmentRequest.rebalance(current, Set.of("a", "b"), NONE, 0));

        assertThat(rebalanced).isEqualTo(maintained);
        assertThat(rebalanced.changes().keySet()).containsExactlyElementsOf(ofC);
        assertThat(rebalanced.moves()).allMatch(m -> m.reason() == MoveReason.OWNER_DEAD);
        assertThat(counts(rebalanced.assignment(), Set.of("a", "b"))).isEqualTo(Map.of("a", 128, "b", 128));
    }

    @Test
    void withNoEligibleNodeTheMapIsKept() {
        Map<Bucket, String> current = roundRobin("a", "b");

        for (AssignmentRequest request : List.of(
                AssignmentRequest.maintain(current, NONE, NONE),
                AssignmentRequest.rebalance(current, NONE, NONE, 0),
                AssignmentRequest.maintain(current, Set.of("a", "b"), Set.of("a", "b")),
                AssignmentRequest.rebalance(current, Set.of("a"), Set.of("a"), 3))) {
            AssignmentResult result = assign(request);
            assertThat(result.assignment()).isEqualTo(current);
            assertThat(result.changed()).isFalse();
        }
        assertThat(assign(AssignmentRequest.rebalance(Map.of(), NONE, NONE, 0)).assignment()).isEmpty();
    }

    @Test
    void maxMovesCapsARebalanceAndRepeatedCallsConverge() {
        Map<Bucket, String> map = roundRobin("a", "b");
        Set<String> live = Set.of("a", "b", "c");
        int calls = 0;
        int total = 0;
        AssignmentResult result;
        do {
            result = assign(AssignmentRequest.rebalance(map, live, NONE, 10));
            assertThat(result.moves().size()).isLessThanOrEqualTo(10);
            total += result.moves().size();
            map = result.assignment();
            calls++;
        } while (result.changed());

        assertThat(total).isEqualTo(85);
        assertThat(calls).isEqualTo(10); // 8 full calls, one with 5 moves, one with none
        assertThat(counts(map, live)).isEqualTo(Map.of("a", 86, "b", 85, "c", 85));
    }

    @Test
    void orphansCountAgainstTheCapButAreAlwaysPlaced() {
        Map<Bucket, String> current = ranges(Map.of("a", 150, "b", 100)); // 250..255 unassigned

        AssignmentResult capped = assign(AssignmentRequest.rebalance(current, Set.of("a", "b"), NONE, 10));
        assertThat(capped.moves()).extracting(Move::reason).containsExactly(
                MoveReason.UNASSIGNED, MoveReason.UNASSIGNED, MoveReason.UNASSIGNED, MoveReason.UNASSIGNED,
                MoveReason.UNASSIGNED, MoveReason.UNASSIGNED,
                MoveReason.REBALANCE, MoveReason.REBALANCE, MoveReason.REBALANCE, MoveReason.REBALANCE);

        AssignmentResult belowOrphans = assign(AssignmentRequest.rebalance(current, Set.of("a", "b"), NONE, 2));
        assertThat(belowOrphans.moves()).hasSize(6).allMatch(m -> m.reason() == MoveReason.UNASSIGNED);
        assertThat(belowOrphans.assignment()).hasSize(256);
    }

    @Test
    void sameInputGivesTheSameOutputWhateverTheCollectionOrder() {
        Map<Bucket, String> current = new HashMap<>();
        for (Bucket bucket : Bucket.all()) {
            if (bucket.index() % 7 != 3) {
                current.put(bucket, "node-" + (bucket.index() * 31 % 11));
            }
        }
        Set<String> live = new HashSet<>(List.of("node-1", "node-2", "node-3", "node-5", "node-8", "node-13", "z"));
        AssignmentRequest request = AssignmentRequest.rebalance(current, live, Set.of("node-2"), 0);

        AssignmentResult result = assign(request);

        for (long seed = 0; seed < 20; seed++) {
            checkDeterminism(request, result, seed);
        }
    }

    @Test
    void rejectsBadInput() {
        Set<String> withNull = new HashSet<>(Arrays.asList("a", null));
        Map<Bucket, String> nullOwner = new HashMap<>();
        nullOwner.put(Bucket.of(1), null);

        assertThatThrownBy(() -> AssignmentRequest.maintain(Map.of(), withNull, NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("liveNodes").hasMessageContaining("null");
        assertThatThrownBy(() -> AssignmentRequest.maintain(Map.of(), Set.of("a"), withNull))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("drainingNodes");
        assertThatThrownBy(() -> AssignmentRequest.maintain(Map.of(Bucket.of(5), ""), Set.of("a"), NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("owner of bucket 05")
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> AssignmentRequest.maintain(nullOwner, Set.of("a"), NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("owner of bucket 01");
        assertThatThrownBy(() -> AssignmentRequest.rebalance(Map.of(), Set.of("a"), NONE, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMoves");
        assertThatThrownBy(() -> new AssignmentRequest(Map.of(), Set.of("a"), NONE, null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mode");
        assertThatThrownBy(() -> AssignmentRequest.maintain(null, Set.of("a"), NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("current");
        assertThatThrownBy(() -> BucketAssigner.assign(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requestAndResultAreImmutableCopies() {
        Map<Bucket, String> current = new HashMap<>(roundRobin("a"));
        AssignmentRequest request = AssignmentRequest.maintain(current, new HashSet<>(Set.of("a")), NONE);
        current.clear();

        AssignmentResult result = BucketAssigner.assign(request);

        assertThat(request.current()).hasSize(256);
        assertThatThrownBy(() -> request.liveNodes().add("b")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> result.assignment().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> result.moves().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    /** Consecutive ranges from bucket 00: the first node (by id) gets the first {@code count} buckets, and so on. */
    private static Map<Bucket, String> ranges(Map<String, Integer> countsById) {
        Map<Bucket, String> map = new TreeMap<>();
        int next = 0;
        for (Map.Entry<String, Integer> entry : new TreeMap<>(countsById).entrySet()) {
            for (int i = 0; i < entry.getValue(); i++) {
                map.put(Bucket.of(next++), entry.getKey());
            }
        }
        return map;
    }
}
