package dtable.server.base;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounded waits for durability without a timer per wait. A request thread waits for its operation's
 * commit with a deadline; {@code future.get(timeout)} on a virtual thread arms and cancels a timer in the
 * carrier pool's delay scheduler for every wait, and waking that scheduler's thread cost about 15 % of the
 * node's CPU on single-row writes (profile in docs/benchmarks.md, issue 15). Here a waiter parks untimed
 * on a private relay of the commit future and registers itself in a set; one daemon thread looks at the
 * set four times a second and fails the relays whose deadline passed. The commit future itself is never
 * touched: other waiters, socket acks and snapshots keep seeing only the log's own outcome.
 *
 * <p>Precision: a wait ends between its deadline and {@link #SWEEP} later. Cost per wait that is not
 * already done: one relay future and one set insert and removal.
 *
 * <p>Threads: {@link #await} from any thread; the sweeper is one daemon platform thread, started with the class.
 */
final class DurabilityWaits {

    /** How often the sweeper looks for waits past their deadline. */
    static final Duration SWEEP = Duration.ofMillis(250);

    private static final Set<Waiter> WAITING = ConcurrentHashMap.newKeySet();

    static {
        Thread.ofPlatform().name("durability-deadlines").daemon(true).start(DurabilityWaits::sweepForever);
    }

    private DurabilityWaits() {
    }

    /** Identity-keyed: two waits of one future are two entries. */
    private static final class Waiter {
        final CompletableFuture<Void> relay;
        final long deadlineNanos;

        Waiter(CompletableFuture<Void> relay, long deadlineNanos) {
            this.relay = relay;
            this.deadlineNanos = deadlineNanos;
        }
    }

    /**
     * Waits until {@code durable} completes or {@code timeout} has passed, like {@code durable.get(timeout)}.
     *
     * @throws ExecutionException   the future failed (its cause inside)
     * @throws TimeoutException     not completed within the timeout (it may still complete later)
     * @throws InterruptedException the waiting thread was interrupted
     */
    static void await(CompletableFuture<Void> durable, Duration timeout)
            throws ExecutionException, TimeoutException, InterruptedException {
        if (durable.isDone()) {
            durable.get();
            return;
        }
        Waiter waiter = new Waiter(durable.copy(), System.nanoTime() + timeout.toNanos());
        WAITING.add(waiter);
        try {
            waiter.relay.get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof DeadlinePassed)) {
                throw e; // the log's own failure
            }
            if (!durable.isDone()) {
                throw new TimeoutException("not durable within " + timeout.toMillis() + " ms");
            }
            durable.get(); // completed in the same instant as the deadline: its own outcome wins
        } finally {
            WAITING.remove(waiter);
        }
    }

    /** Number of waits in progress (for tests). */
    static int waiting() {
        return WAITING.size();
    }

    private static void sweepForever() {
        while (true) {
            try {
                TimeUnit.NANOSECONDS.sleep(SWEEP.toNanos());
                long now = System.nanoTime();
                for (Waiter waiter : WAITING) {
                    if (now - waiter.deadlineNanos >= 0) {
                        waiter.relay.completeExceptionally(DeadlinePassed.INSTANCE);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // nothing here throws; keep sweeping whatever happens, or waits would go unbounded
            }
        }
    }

    /** Marks a relay failed by the sweeper; never seen outside this class. */
    private static final class DeadlinePassed extends RuntimeException {
        static final DeadlinePassed INSTANCE = new DeadlinePassed();

        private DeadlinePassed() {
            super("deadline passed", null, false, false);
        }
    }
}
