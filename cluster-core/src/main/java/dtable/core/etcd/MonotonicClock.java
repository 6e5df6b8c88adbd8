package dtable.core.etcd;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} that only moves forward: {@link System#nanoTime()} offset to the wall clock at
 * creation. Lease deadlines are measured with it so an NTP step of the wall clock can neither fence
 * a healthy node nor keep a fenced one serving.
 */
public final class MonotonicClock extends Clock {

    private static final MonotonicClock INSTANCE = new MonotonicClock();

    private final long originNanos = System.nanoTime();
    private final Instant origin = Instant.now();

    private MonotonicClock() {
    }

    public static MonotonicClock get() {
        return INSTANCE;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a monotonic clock has no time zone");
    }

    @Override
    public Instant instant() {
        return origin.plusNanos(System.nanoTime() - originNanos);
    }
}
