package dtable.server.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.core.error.BaseUnavailableException;
import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import dtable.model.OperationException;
import dtable.server.storage.ManualOperationLog;
import dtable.server.storage.OutcomeUnknownException;
import dtable.storage.StorageException;
import java.time.Clock;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A loaded base's write path without MySQL, on a {@link ManualOperationLog}: each operation takes the
 * next version under the lane, its answer waits for its commit, the room hears commits in version
 * order with the author's origin and seq, and a fenced, refused or unanswered append fails the
 * base (503 or 504 outcome_unknown) without a broadcast, taking the appends queued behind it along.
 */
class LoadedBaseWritePathTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ManualOperationLog log = new ManualOperationLog();
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final List<LoadedBase> failures = new CopyOnWriteArrayList<>();
    private final LoadedBase base = new LoadedBase(BaseUuid.parse(UUID.randomUUID().toString()), "node-1", 7,
            Base.withDefaultTable(), log, Clock.systemUTC(), new SplittableRandom(1), failures::add);

    LoadedBaseWritePathTest() {
        base.transitionTo(BaseState.ACTIVE);
        base.join(new RoomListener() {
            @Override
            public void onOperation(long version, ObjectNode operation, String author, Object origin, long seq) {
                heard.add(version + ":" + operation.path("op_type").asString() + ":" + origin + ":" + seq);
            }

            @Override
            public void onBaseMoved(String ownerUrl) {
                heard.add("moved");
            }

            @Override
            public void onBaseDeleted() {
                heard.add("deleted");
            }
        });
    }

    @Test
    void theAnswerAndTheBroadcastWaitForTheCommit() {
        var first = write("client-a", 1);

        assertThat(first.version()).isEqualTo(1);
        assertThat(log.queued()).singleElement().satisfies(a -> {
            assertThat(a.version()).isEqualTo(1);
            assertThat(a.epoch()).as("appended under the epoch the base loaded with").isEqualTo(7);
            assertThat(a.nodeId()).isEqualTo("node-1");
        });
        assertThat(first.durable()).isNotDone();
        assertThat(heard).as("nobody hears an operation before it is durable").isEmpty();
        assertThat(base.durableVersion()).isZero();

        log.commitNext();

        assertThat(first.durable()).isCompleted();
        assertThat(heard).containsExactly("1:insert_row:client-a:1");
        assertThat(base.durableVersion()).isEqualTo(1);
    }

    @Test
    void versionsFollowTheLaneAndTheRoomHearsThemInOrderWithTheirOrigins() {
        var a = write("client-a", 1);
        var b = write("client-b", 9);
        var c = write("client-a", 2);
        assertThat(List.of(a.version(), b.version(), c.version())).containsExactly(1L, 2L, 3L);

        List<Long> acks = new CopyOnWriteArrayList<>();
        for (var w : List.of(a, b, c)) {
            w.durable().thenRun(() -> acks.add(w.version()));
        }
        assertThat(log.commitAll()).isEqualTo(3);

        assertThat(heard).containsExactly("1:insert_row:client-a:1", "2:insert_row:client-b:9",
                "3:insert_row:client-a:2");
        assertThat(acks).containsExactly(1L, 2L, 3L);
        assertThat(log.committed()).extracting(x -> x.version()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aReadIsAnsweredOnlyOnceWhatItSawIsDurable() throws Exception {
        write("client-a", 1);
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> base.read(Base::rowCount));

        assertThatThrownBy(() -> read.get(200, TimeUnit.MILLISECONDS))
                .isInstanceOf(java.util.concurrent.TimeoutException.class);
        log.commitNext();

        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(Base.withDefaultTable().rowCount() + 1);
    }

    @Test
    void badInputChangesNothingAndAppendsNothing() {
        ObjectNode bad = JSON.createObjectNode().put("op_type", "insert_row").put("table_id", "nope");

        assertThatThrownBy(() -> base.execute(model -> bad, "t", null, null, 0, null))
                .isInstanceOf(OperationException.class);

        assertThat(log.queued()).isEmpty();
        assertThat(write("client-a", 1).version()).as("the version was not used").isEqualTo(1);
    }

    @Test
    void aFencedAppendFailsTheBaseWithoutABroadcastAndRefusesWhatWasQueuedBehindIt() {
        var first = write("client-a", 1);
        var second = write("client-a", 2);

        log.fenceNext();
        log.commitNext();

        assertThatThrownBy(() -> LoadedBase.awaitDurable(first.durable()))
                .isInstanceOf(BaseUnavailableException.class).hasMessageContaining("moved to another node");
        assertThat(causeOf(second.durable())).isInstanceOf(StorageException.class);
        assertThat(heard).as("no broadcast of an operation that is not durable").isEmpty();
        assertThat(base.state()).isEqualTo(BaseState.FAILED);
        assertThat(failures).containsExactly(base);
        assertThatThrownBy(() -> write("client-a", 3)).isInstanceOf(BaseUnavailableException.class);
        assertThat(log.committed()).isEmpty();
    }

    @Test
    void anUnansweredCommitIsOutcomeUnknownNotARefusal() {
        var first = write("client-a", 1);

        log.loseAnswerOfNext(true);

        assertThatThrownBy(() -> LoadedBase.awaitDurable(first.durable()))
                .as("answered 504 outcome_unknown: the operation may be in the log (here it is)")
                .isInstanceOf(OutcomeUnknownException.class);
        assertThat(log.committed()).hasSize(1);
        assertThat(heard).isEmpty();
        assertThat(base.state()).isEqualTo(BaseState.FAILED);
        assertThatThrownBy(() -> base.read(Base::rowCount)).isInstanceOf(BaseUnavailableException.class);
    }

    @Test
    void aRefusedAppendIsAStorageErrorAndTheBaseIsDropped() {
        var first = write("client-a", 1);

        log.refuseNext();

        assertThatThrownBy(() -> LoadedBase.awaitDurable(first.durable()))
                .isInstanceOf(BaseUnavailableException.class).hasMessageContaining("storage unavailable");
        assertThat(failures).containsExactly(base);
        assertThat(base.snapshot()).as("a failed base is never snapshotted").isNull();
    }

    private LoadedBase.Committed<Void> write(String origin, long seq) {
        JsonNode op = JSON.createObjectNode().put("op_type", "insert_row").put("table_id", "0000")
                .set("row_data", JSON.createObjectNode());
        return base.execute(model -> op, "author", "app", origin, seq, null);
    }

    private static Throwable causeOf(CompletableFuture<Void> future) {
        try {
            future.get(10, TimeUnit.SECONDS);
            throw new AssertionError("completed normally");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
