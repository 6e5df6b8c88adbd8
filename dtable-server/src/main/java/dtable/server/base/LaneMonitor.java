package dtable.server.base;

import dtable.core.bucket.BaseUuid;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears how long each base lane was held (STYLE: never serialise under the lane). Records the
 * {@code dtable_lane_hold_seconds} histogram and logs a WARN for every hold over {@link #WARN_OVER},
 * naming the base and what held it. Called on whichever thread released the lane; must be cheap.
 */
public class LaneMonitor {

    /** A lane held longer than this stalls every write of the base: worth a WARN. */
    public static final Duration WARN_OVER = Duration.ofMillis(100);
    private static final long WARN_OVER_NANOS = WARN_OVER.toNanos();
    private static final Logger log = LoggerFactory.getLogger(LaneMonitor.class);

    /** Logs long holds only (no metrics): for tests and tools without a meter registry. */
    public static final LaneMonitor LOG_ONLY = new LaneMonitor(null);

    private final Timer holds;

    /** {@code meters} may be null: then holds are only logged. */
    public LaneMonitor(MeterRegistry meters) {
        this.holds = meters == null ? null : Timer.builder("dtable.lane.hold")
                .description("how long a base's lane was held by one operation, read or snapshot capture")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(meters);
    }

    /** The lane of {@code base} was held {@code nanos} by {@code what} (an operation type, "read", "snapshot"…). */
    public void held(BaseUuid base, String what, long nanos) {
        if (holds != null) {
            holds.record(nanos, TimeUnit.NANOSECONDS);
        }
        if (nanos > WARN_OVER_NANOS) {
            log.warn("lane of base {} held {} ms by {} (over {} ms: writes to it waited)", base,
                    TimeUnit.NANOSECONDS.toMillis(nanos), what, WARN_OVER.toMillis());
        }
    }
}
