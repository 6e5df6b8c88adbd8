package dtable.model.stored;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.model.Base;
import dtable.model.ModelException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContiguousReplayTest {

    private static LoggedOperation op(long version) {
        return new LoggedOperation(version, 0, "a", null, "{}");
    }

    private static List<Long> versions(List<LoggedOperation> ops) {
        return ops.stream().map(LoggedOperation::version).toList();
    }

    @Test
    void stepsTheContiguousPrefixAndReportsTheHole() {
        List<LoggedOperation> seen = new ArrayList<>();
        var outcome = ContiguousReplay.prefix(3, Long.MAX_VALUE, List.of(op(4), op(5), op(7), op(8)), seen::add);
        assertThat(versions(seen)).containsExactly(4L, 5L);
        assertThat(outcome).isEqualTo(new ContiguousReplay.Outcome(5, 2, true));
    }

    @Test
    void aFirstOperationThatDoesNotFollowIsAHoleAndNothingIsStepped() {
        List<LoggedOperation> seen = new ArrayList<>();
        assertThat(ContiguousReplay.prefix(3, Long.MAX_VALUE, List.of(op(5), op(6)), seen::add))
                .isEqualTo(new ContiguousReplay.Outcome(3, 0, true));
        assertThat(ContiguousReplay.prefix(3, Long.MAX_VALUE, List.of(op(3), op(4)), seen::add))
                .as("an operation already held is out of order too").isEqualTo(new ContiguousReplay.Outcome(3, 0, true));
        assertThat(seen).isEmpty();
    }

    @Test
    void stopsOnceTheBoundIsReachedEvenBeforeAHole() {
        List<LoggedOperation> seen = new ArrayList<>();
        var outcome = ContiguousReplay.prefix(0, 2, List.of(op(1), op(2), op(9)), seen::add);
        assertThat(versions(seen)).containsExactly(1L, 2L);
        assertThat(outcome).isEqualTo(new ContiguousReplay.Outcome(2, 2, false));
    }

    @Test
    void nothingToStepIsNoHole() {
        assertThat(ContiguousReplay.prefix(7, Long.MAX_VALUE, List.of(), op -> { }))
                .isEqualTo(new ContiguousReplay.Outcome(7, 0, false));
    }

    @Test
    void pagesUntilAShortPageAndAsksAfterTheLastVersionStepped() {
        List<LoggedOperation> log = new ArrayList<>();
        for (long v = 1; v <= 7; v++) {
            log.add(op(v));
        }
        List<String> reads = new ArrayList<>();
        List<LoggedOperation> seen = new ArrayList<>();
        var outcome = ContiguousReplay.paged(0, Long.MAX_VALUE, 3, (after, limit) -> {
            reads.add(after + "+" + limit);
            return log.stream().filter(o -> o.version() > after).limit(limit).toList();
        }, seen::add);
        assertThat(outcome).isEqualTo(new ContiguousReplay.Outcome(7, 7, false));
        assertThat(versions(seen)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(reads).containsExactly("0+3", "3+3", "6+3");
    }

    @Test
    void aHoleInALaterPageStopsTheWalkThere() {
        List<LoggedOperation> log = List.of(op(1), op(2), op(3), op(5), op(6));
        List<LoggedOperation> seen = new ArrayList<>();
        var outcome = ContiguousReplay.paged(0, Long.MAX_VALUE, 2,
                (after, limit) -> log.stream().filter(o -> o.version() > after).limit(limit).toList(), seen::add);
        assertThat(outcome).isEqualTo(new ContiguousReplay.Outcome(3, 3, true));
        assertThat(versions(seen)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aBoundedWalkAsksNoMoreThanItNeedsAndALogEndingShortIsNotAHole() {
        List<LoggedOperation> log = List.of(op(1), op(2), op(3));
        List<Integer> limits = new ArrayList<>();
        var outcome = ContiguousReplay.paged(0, 5, 100, (after, limit) -> {
            limits.add(limit);
            return log.stream().filter(o -> o.version() > after).limit(limit).toList();
        }, op -> { });
        assertThat(limits).containsExactly(5);
        assertThat(outcome).as("the caller sees version 3 < 5: purged or not yet written")
                .isEqualTo(new ContiguousReplay.Outcome(3, 3, false));
    }

    @Test
    void ontoReplaysRealOperationsToTheOwnersState() {
        Base owner = Operations.ownerWithRows(2);
        Base follower = SnapshotCodec.decode(SnapshotCodec.encode(owner), "b1");
        List<LoggedOperation> log = Operations.log(owner, 4);
        var outcome = ContiguousReplay.prefix(follower.version(), Long.MAX_VALUE, log, ContiguousReplay.onto(follower));
        assertThat(outcome).isEqualTo(new ContiguousReplay.Outcome(6, 4, false));
        assertThat(follower.toJson()).isEqualTo(owner.toJson());
    }

    @Test
    void aStepThatFailsStopsTheWalkWithTheOperationsBeforeItApplied() {
        Base owner = Operations.ownerWithRows(0);
        Base follower = owner.copy();
        List<LoggedOperation> log = new ArrayList<>(Operations.log(owner, 2));
        log.add(new LoggedOperation(3, 0, "a", null, "{\"op_type\":\"no_such_operation\"}"));
        assertThatThrownBy(() -> ContiguousReplay.prefix(0, Long.MAX_VALUE, log, ContiguousReplay.onto(follower)))
                .isInstanceOf(ModelException.class);
        assertThat(follower.version()).isEqualTo(2);
    }
}
