package dtable.monitor.election;

import dtable.core.etcd.LeaderGuard;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a monitor's role transitions ({@link MonitorRole}): no I/O, so the etcd driver
 * ({@link MonitorElection}) and the deterministic simulation drive the very same object.
 *
 * <p>Thread rules: every method is safe from any thread; state is guarded by {@code this}. Listeners run
 * on the thread that made the transition, after the lock is released, in transition order per thread.
 * An illegal transition throws {@link IllegalStateException}.
 *
 * <p>The lease deadline is tracked on the injected {@link Clock}: a leader whose last keep-alive answer
 * is older than the lease TTL must assume it is deposed even before etcd says so. Safety never rests on
 * this clock, though: every map write is guarded by {@link #guardIfLeader()} in the etcd transaction.
 */
public final class LeadershipState {

    private static final Logger log = LoggerFactory.getLogger(LeadershipState.class);
    private static final int HISTORY = 20;

    private final MonitorIdentity self;
    private final Clock clock;
    private final List<Consumer<LeadershipChange>> listeners = new CopyOnWriteArrayList<>();

    // all guarded by this
    private MonitorRole role = MonitorRole.FOLLOWER;
    private LeaderGuard guard;
    private long term;
    private Instant leaseValidUntil = Instant.MIN;
    private Instant leaderSince;
    private final Deque<LeadershipChange> history = new ArrayDeque<>();

    public LeadershipState(MonitorIdentity self, Clock clock) {
        this.self = self;
        this.clock = clock;
    }

    public MonitorIdentity self() {
        return self;
    }

    /** Called after each transition, on the transitioning thread. */
    public void addListener(Consumer<LeadershipChange> listener) {
        listeners.add(listener);
    }

    /** FOLLOWER → CANDIDATE: a lease is held and a campaign is about to start. */
    public void campaigning(Instant leaseValidUntil, String reason) {
        LeadershipChange change;
        synchronized (this) {
            this.leaseValidUntil = leaseValidUntil;
            change = transition(MonitorRole.CANDIDATE, reason);
        }
        publish(change);
    }

    /** CANDIDATE → LEADER with the guard of the won election key; starts a new term. */
    public void elected(LeaderGuard leaderGuard) {
        LeadershipChange change;
        synchronized (this) {
            if (role != MonitorRole.CANDIDATE) {
                throw new IllegalStateException("elected while " + role);
            }
            this.guard = leaderGuard;
            this.term++;
            this.leaderSince = clock.instant();
            change = transition(MonitorRole.LEADER, "won election, key create revision " + leaderGuard.createRevision());
        }
        publish(change);
    }

    /**
     * CANDIDATE/LEADER → FOLLOWER. When {@code expectedTerm} is not negative the step-down only applies
     * while that term is current, so a late failure of an old term cannot depose a newer one.
     *
     * @return true when a transition happened
     */
    public boolean stepDown(long expectedTerm, String reason) {
        LeadershipChange change;
        synchronized (this) {
            if (role != MonitorRole.CANDIDATE && role != MonitorRole.LEADER) {
                return false;
            }
            if (expectedTerm >= 0 && (role != MonitorRole.LEADER || expectedTerm != term)) {
                return false;
            }
            change = transition(MonitorRole.FOLLOWER, reason);
            guard = null;
            leaderSince = null;
            leaseValidUntil = Instant.MIN;
        }
        publish(change);
        return true;
    }

    /** Any state → CLOSED (idempotent). */
    public void close(String reason) {
        LeadershipChange change;
        synchronized (this) {
            if (role == MonitorRole.CLOSED) {
                return;
            }
            change = transition(MonitorRole.CLOSED, reason);
            guard = null;
            leaderSince = null;
        }
        publish(change);
    }

    /** A keep-alive answer arrived: the lease lives at least until {@code validUntil}. */
    public synchronized void leaseRenewed(Instant validUntil) {
        if (validUntil.isAfter(leaseValidUntil)) {
            leaseValidUntil = validUntil;
        }
    }

    /** True when this monitor holds a lease (candidate or leader) whose deadline has passed on our clock. */
    public synchronized boolean leaseExpired() {
        return (role == MonitorRole.CANDIDATE || role == MonitorRole.LEADER) && !clock.instant().isBefore(leaseValidUntil);
    }

    public synchronized MonitorRole role() {
        return role;
    }

    public synchronized boolean isLeader() {
        return role == MonitorRole.LEADER;
    }

    /** The current term (number of times this monitor became leader). */
    public synchronized long term() {
        return term;
    }

    /** The guard and term of the current leadership, empty unless LEADER. */
    public synchronized Optional<Leadership> guardIfLeader() {
        return role == MonitorRole.LEADER ? Optional.of(new Leadership(guard, term)) : Optional.empty();
    }

    public synchronized Optional<Instant> leaderSince() {
        return Optional.ofNullable(leaderSince);
    }

    /** The last transitions, oldest first. */
    public synchronized List<LeadershipChange> history() {
        return new ArrayList<>(history);
    }

    private LeadershipChange transition(MonitorRole next, String reason) {
        if (!role.canMoveTo(next)) {
            throw new IllegalStateException("illegal monitor role transition " + role + " -> " + next);
        }
        LeadershipChange change = new LeadershipChange(clock.instant(), role, next, term, reason);
        role = next;
        history.addLast(change);
        while (history.size() > HISTORY) {
            history.removeFirst();
        }
        return change;
    }

    private void publish(LeadershipChange change) {
        log.info("monitor {}: {} -> {} (term {}): {}", self.monitorId(), change.from(), change.to(), change.term(),
                change.reason());
        for (Consumer<LeadershipChange> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                log.warn("leadership listener failed", e);
            }
        }
    }

    /** A leadership term and the guard its writes carry. */
    public record Leadership(LeaderGuard guard, long term) {
    }
}
