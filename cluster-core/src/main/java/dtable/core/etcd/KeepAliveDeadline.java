package dtable.core.etcd;

import java.time.Duration;
import java.time.Instant;

/**
 * The self-fencing rule of a lease holder: the lease counts as lost once no keep-alive answer has
 * arrived for {@code fenceAfter}, which is shorter than the TTL so the holder stops serving before
 * etcd can expire the lease and hand its buckets to another node. Pure; the caller supplies times
 * from its injected clock. Not thread-safe (used by one registration thread).
 */
final class KeepAliveDeadline {

    private final Duration fenceAfter;
    private Instant lastAnswer;

    KeepAliveDeadline(Duration fenceAfter, Instant grantedAt) {
        if (fenceAfter.isNegative() || fenceAfter.isZero()) {
            throw new IllegalArgumentException("fenceAfter must be positive: " + fenceAfter);
        }
        this.fenceAfter = fenceAfter;
        this.lastAnswer = grantedAt;
    }

    /** A keep-alive answer arrived at {@code at}; time never moves the deadline backwards. */
    void answered(Instant at) {
        if (at.isAfter(lastAnswer)) {
            lastAnswer = at;
        }
    }

    /** How long etcd has been silent at {@code now}. */
    Duration silence(Instant now) {
        Duration silence = Duration.between(lastAnswer, now);
        return silence.isNegative() ? Duration.ZERO : silence;
    }

    boolean expired(Instant now) {
        return silence(now).compareTo(fenceAfter) >= 0;
    }

    Duration fenceAfter() {
        return fenceAfter;
    }
}
