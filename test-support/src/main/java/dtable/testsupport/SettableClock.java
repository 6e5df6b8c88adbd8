package dtable.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that stands still until a test sets or advances it; or, made by {@link #live()}, that follows
 * the system clock until {@link #freeze()} (time stands still for its owner, as for a paused process).
 * Thread-safe.
 */
public final class SettableClock extends Clock {

    /** The time it stands at; null while it follows the system clock. */
    private volatile Instant now;

    public SettableClock(Instant start) {
        this.now = start;
    }

    /** A clock that follows the system clock until {@link #freeze()}, {@link #set} or {@link #advance}. */
    public static SettableClock live() {
        return new SettableClock(null);
    }

    public void set(Instant instant) {
        now = instant;
    }

    /** Stops the clock at the present instant. */
    public void freeze() {
        now = instant();
    }

    public void advance(Duration by) {
        now = instant().plus(by);
    }

    @Override
    public Instant instant() {
        Instant stopped = now;
        return stopped != null ? stopped : Instant.now();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
