package dtable.monitor.assignment;

import dtable.core.cluster.BucketMap;
import dtable.monitor.election.LeadershipState;
import dtable.monitor.election.MonitorRole;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link AssignmentCoordinator} on one thread ({@code monitor-decider}): on every membership
 * change the watcher reports (a node joined or left, a drain mark changed), every
 * {@code check_interval_seconds}, when this monitor becomes leader, and for admin requests
 * ({@link #call}). Serialising everything on one thread is what makes "wait for my own write before the
 * next decision" hold.
 *
 * <p>On followers the watcher's map changes are recorded as observed moves, so any monitor's view shows
 * the last moves.
 *
 * <p>Thread rules: {@link #onClusterChange} is called by the watcher's single listener thread;
 * {@link #call} from request threads; the coordinator only ever runs on the decider thread.
 */
public final class AssignmentLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AssignmentLoop.class);

    private final AssignmentCoordinator coordinator;
    private final LeadershipState leadership;
    private final MoveHistory history;
    private final Duration checkInterval;
    private final Clock clock;
    private final ScheduledExecutorService decider;

    // watcher listener thread only
    private BucketMap lastSeen = BucketMap.empty();

    public AssignmentLoop(AssignmentCoordinator coordinator, LeadershipState leadership, MoveHistory history,
                          Duration checkInterval, Clock clock) {
        this.coordinator = coordinator;
        this.leadership = leadership;
        this.history = history;
        this.checkInterval = checkInterval;
        this.clock = clock;
        this.decider = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("monitor-decider-" + leadership.self().monitorId()).daemon(true).factory());
    }

    /** Starts the periodic check and the reaction to winning the election. */
    public void start() {
        leadership.addListener(change -> {
            if (change.to() == MonitorRole.LEADER) {
                submitMaintain("elected");
            }
        });
        long period = checkInterval.toMillis();
        decider.scheduleWithFixedDelay(() -> maintain("periodic"), period, period, TimeUnit.MILLISECONDS);
    }

    /** Watcher listener: react to membership changes within the watch latency. */
    public void onClusterChange(BucketMap next) {
        BucketMap previous = lastSeen;
        lastSeen = next;
        boolean membershipChanged = !previous.nodes().keySet().equals(next.nodes().keySet())
                || !previous.draining().equals(next.draining());
        if (leadership.isLeader()) {
            if (membershipChanged) {
                submitMaintain("membership");
            }
        } else if (previous.revision() > 0) {
            history.recordObserved(previous, next, clock.instant());
        }
    }

    /**
     * Runs {@code action} on the decider thread and waits for it.
     *
     * @throws NotLeaderException, UnknownNodeException or any other runtime exception the action threw
     * @throws DecisionTimeoutException when the decision did not finish within {@code timeout}
     */
    public <T> T call(Function<AssignmentCoordinator, T> action, Duration timeout) {
        Future<T> future = decider.submit(() -> action.apply(coordinator));
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new DecisionTimeoutException("decision did not finish within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DecisionTimeoutException("interrupted while waiting for the decision");
        }
    }

    private void submitMaintain(String trigger) {
        try {
            decider.execute(() -> maintain(trigger));
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // shutting down
        }
    }

    private void maintain(String trigger) {
        try {
            coordinator.maintain(trigger);
        } catch (NotLeaderException e) {
            log.info("decision ({}) abandoned: {}", trigger, e.getMessage());
        } catch (RuntimeException e) {
            // etcd unreachable or similar: the next trigger or the periodic check retries
            log.warn("decision ({}) failed: {}", trigger, Objects.toString(e.getMessage(), e.toString()));
        }
    }

    @Override
    public void close() {
        decider.shutdownNow();
    }
}
