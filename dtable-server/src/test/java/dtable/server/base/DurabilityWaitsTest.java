package dtable.server.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.server.storage.OutcomeUnknownException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class DurabilityWaitsTest {

    @Test
    void aWaitEndsAtItsDeadlineAndLeavesTheCommitFutureAlone() throws Exception {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        long started = System.nanoTime();
        Thread waiting = Thread.ofVirtual().start(() -> assertThatThrownBy(
                () -> DurabilityWaits.await(durable, Duration.ofMillis(300))).isInstanceOf(TimeoutException.class));
        waiting.join(Duration.ofSeconds(10));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(waiting.isAlive()).isFalse();
        assertThat(tookMillis).isBetween(300L, 300L + 5_000L);
        assertThat(durable).isNotDone();
        assertThat(DurabilityWaits.waiting()).isZero();
        durable.complete(null); // it may still commit later: the outcome was unknown, not refused
    }

    @Test
    void theCommitBeforeTheDeadlineEndsTheWait() throws Exception {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                DurabilityWaits.await(durable, Duration.ofSeconds(60));
                outcome.complete(null);
            } catch (Exception e) {
                outcome.complete(e);
            }
        });
        awaitWaiting(1);
        durable.complete(null);
        assertThat(outcome.get()).isNull();
        assertThat(DurabilityWaits.waiting()).isZero();
    }

    @Test
    void aFailureOfTheLogReachesTheWaiterAsItself() throws Exception {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                DurabilityWaits.await(durable, Duration.ofSeconds(60));
                outcome.complete(null);
            } catch (Exception e) {
                outcome.complete(e);
            }
        });
        awaitWaiting(1);
        OutcomeUnknownException failure = new OutcomeUnknownException("commit outcome unknown", null);
        durable.completeExceptionally(failure);
        assertThat(outcome.get()).isInstanceOf(ExecutionException.class).cause().isSameAs(failure);
    }

    @Test
    void manyWaitsOfOneFutureEachKeepTheirOwnDeadline() throws Exception {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        CompletableFuture<Throwable> shortWait = new CompletableFuture<>();
        CompletableFuture<Throwable> longWait = new CompletableFuture<>();
        for (var wait : java.util.List.of(java.util.Map.entry(Duration.ofMillis(200), shortWait),
                java.util.Map.entry(Duration.ofSeconds(60), longWait))) {
            Thread.ofVirtual().start(() -> {
                try {
                    DurabilityWaits.await(durable, wait.getKey());
                    wait.getValue().complete(null);
                } catch (Exception e) {
                    wait.getValue().complete(e);
                }
            });
        }
        assertThat(shortWait.get()).isInstanceOf(TimeoutException.class);
        assertThat(longWait).isNotDone();
        durable.complete(null);
        assertThat(longWait.get()).isNull();
    }

    @Test
    void awaitDurableAnswersOutcomeUnknownOnTimeoutAndTheLogsFailureOtherwise() {
        CompletableFuture<Void> failed = CompletableFuture.failedFuture(new OutcomeUnknownException("x", null));
        assertThatThrownBy(() -> LoadedBase.awaitDurable(failed)).isInstanceOf(OutcomeUnknownException.class);
        LoadedBase.awaitDurable(CompletableFuture.completedFuture(null));
        assertThat(LoadedBase.DURABILITY_TIMEOUT).isEqualTo(Duration.ofSeconds(60));
    }

    private static void awaitWaiting(int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (DurabilityWaits.waiting() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(DurabilityWaits.waiting()).isGreaterThanOrEqualTo(n);
    }
}
