package dtable.server.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a node that cannot reach MySQL gives its buckets up, and when it takes part again (no I/O, clock
 * injected). A node cut off from MySQL commits nothing — S2 forbids an ack without durability — so it only
 * holds its bases hostage; after {@code releaseAfter} of failed checks in a row it revokes its lease so that
 * the monitor hands its buckets to a node that can write. It does so only while another node is registered
 * (otherwise there is nobody to hand them to, and MySQL is probably down for everyone). Once a check
 * succeeds again it registers again and serves whatever it is given next. Once checks have failed for
 * {@link #REFUSE_WRITES_AFTER}, until one succeeds, the node also refuses new writes ({@link #writable()}),
 * long before it releases.
 *
 * <p>Thread rules: not thread-safe; the node's one MySQL-check thread owns it.
 */
public final class MysqlReachability {

    /** What the node must do after a check. */
    public enum Action { NONE, RELEASE, REJOIN }

    /** How long checks must have failed in a row before new writes are refused. */
    public static final Duration REFUSE_WRITES_AFTER = Duration.ofMillis(2500);

    private final Duration releaseAfter;
    private final Clock clock;
    private Instant unreachableSince;
    private boolean released;

    /** @param releaseAfter zero: never release */
    public MysqlReachability(Duration releaseAfter, Clock clock) {
        this.releaseAfter = Objects.requireNonNull(releaseAfter, "releaseAfter");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A check that started now (see {@link #onCheck(boolean, boolean, Instant)}). */
    public Action onCheck(boolean reachable, boolean othersAvailable) {
        return onCheck(reachable, othersAvailable, clock.instant());
    }

    /**
     * @param reachable       the check's result (a check that did not finish in time is a failure)
     * @param othersAvailable another node is registered and not this one
     * @param startedAt       when the check began: a check that hung for seconds counts from its start
     */
    public Action onCheck(boolean reachable, boolean othersAvailable, Instant startedAt) {
        Instant now = clock.instant();
        if (reachable) {
            unreachableSince = null;
            if (released) {
                released = false;
                return Action.REJOIN;
            }
            return Action.NONE;
        }
        if (unreachableSince == null) {
            unreachableSince = startedAt.isAfter(now) ? now : startedAt;
        }
        if (!released && !releaseAfter.isZero() && othersAvailable
                && !now.isBefore(unreachableSince.plus(releaseAfter))) {
            released = true;
            return Action.RELEASE;
        }
        return Action.NONE;
    }

    /**
     * Whether new writes are taken: false once checks have failed (or hung) for {@link #REFUSE_WRITES_AFTER}
     * in a row, until one succeeds. The node then refuses them at once instead of queueing them behind a log
     * statement hanging on a dead link. One slow check alone (a busy machine, a GC pause) refuses nothing:
     * slowness is not evidence, and a refused write is a client-visible error.
     */
    public boolean writable() {
        return unreachableSince == null || unreachableFor().compareTo(REFUSE_WRITES_AFTER) < 0;
    }

    /** How long checks have failed in a row, zero while MySQL answers. */
    public Duration unreachableFor() {
        return unreachableSince == null ? Duration.ZERO : Duration.between(unreachableSince, clock.instant());
    }

    public boolean released() {
        return released;
    }
}
