package dtable.monitor.generation;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** MySQL's side of the generation in memory, shared by the monitors of one test (as one database is). */
public final class InMemoryGenerationLedger implements GenerationLedger {

    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong highestClaim = new AtomicLong();
    private final AtomicBoolean down = new AtomicBoolean();

    @Override
    public long current() {
        check();
        return generation.get();
    }

    @Override
    public boolean advance(long expected, long next) {
        check();
        if (next <= expected) {
            throw new IllegalArgumentException("a generation only grows");
        }
        return generation.compareAndSet(expected, next);
    }

    @Override
    public long highestClaim() {
        check();
        return highestClaim.get();
    }

    /** A node claimed a base with {@code token} (what BaseStore.claim records in dtables.assign_rev). */
    public void claimed(long token) {
        highestClaim.accumulateAndGet(token, Math::max);
    }

    /** Makes every call fail as an unreachable MySQL would. */
    public void setDown(boolean isDown) {
        down.set(isDown);
    }

    private void check() {
        if (down.get()) {
            throw new LedgerUnavailableException("MySQL is down (test)", null);
        }
    }
}
