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
        CompletableFuture<Throwable> outcome = waitOn(durable, Duration.ofSeconds(60));
        awaitWaiting(1);
        durable.complete(null);
        assertThat(outcome.get()).isNull();
        assertThat(DurabilityWaits.waiting()).isZero();
    }

    @Test
    void aFailureOfTheLogReachesTheWaiterAsItself() throws Exception {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        CompletableFuture<Throwable> outcome = waitOn(durable, Duration.ofSeconds(60));
        awaitWaiting(1);
        OutcomeUnknownException failure = new OutcomeUnknownException("commit outcome unknown", null);
        durable.completeExceptionally(failure);
        assertThat(outcome.get()).isInstanceOf(ExecutionException.class).cause().isSameAs(failure);
    }

    @Test
    void manyWaitsOfOneFutureEachKeepTheirOwnDeadline() throws Exception {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        CompletableFuture<Throwable> shortWait = waitOn(durable, Duration.ofMillis(200));
        CompletableFuture<Throwable> longWait = waitOn(durable, Duration.ofSeconds(60));
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

    /** Waits on a virtual thread; the result is null when the wait ended with the commit, else what it threw. */
    private static CompletableFuture<Throwable> waitOn(CompletableFuture<Void> durable, Duration timeout) {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                DurabilityWaits.await(durable, timeout);
                outcome.complete(null);
            } catch (Exception e) {
                outcome.complete(e);
            }
        });
        return outcome;
    }

    private static void awaitWaiting(int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (DurabilityWaits.waiting() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(DurabilityWaits.waiting()).isGreaterThanOrEqualTo(n);
    }
}
