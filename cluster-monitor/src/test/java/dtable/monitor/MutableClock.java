package dtable.monitor;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The system clock until {@link #freeze()}: then time stands still for its owner, as for a paused process. */
public final class MutableClock extends Clock {

    private volatile Instant frozenAt;

    public void freeze() {
        frozenAt = Instant.now();
    }

    @Override
    public Instant instant() {
        Instant frozen = frozenAt;
        return frozen != null ? frozen : Instant.now();
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
