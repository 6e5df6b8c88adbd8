package dtable.monitor;

import dtable.core.cluster.BucketMap;
import dtable.core.cluster.EtcdKeys;
import dtable.core.config.MonitorConfig;
import dtable.core.etcd.AssignmentStore;
import dtable.core.etcd.ClusterWatcher;
import dtable.monitor.assignment.AssignmentCoordinator;
import dtable.monitor.assignment.AssignmentLoop;
import dtable.monitor.assignment.Decision;
import dtable.monitor.assignment.EtcdMapStore;
import dtable.monitor.assignment.MoveHistory;
import dtable.monitor.assignment.WatcherSnapshots;
import dtable.monitor.election.LeadershipState;
import dtable.monitor.election.MonitorElection;
import dtable.monitor.generation.GenerationKeeper;
import dtable.monitor.generation.GenerationLedger;
import dtable.monitor.election.MonitorIdentity;
import dtable.monitor.failover.EtcdLeaseRevoker;
import dtable.monitor.failover.FastFailover;
import dtable.monitor.failover.RefusalReports;
import dtable.monitor.failover.TcpPortProbe;
import io.etcd.jetcd.Client;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One cluster-monitor instance without Spring: watcher, election, decider and move history wired
 * together over one jetcd {@link Client}. The Spring application holds one; the multi-monitor tests
 * run several in one JVM.
 *
 * <p>Thread rules: see {@link MonitorElection} (election thread), {@link AssignmentLoop} (decider
 * thread) and the watcher's listener thread. All public methods are thread-safe.
 */
public final class ClusterMonitor implements AutoCloseable {

    /** How long an admin request waits for its decision. */
    public static final Duration DECISION_TIMEOUT = Duration.ofSeconds(30);

    private final MonitorSettings settings;
    private final ClusterWatcher watcher;
    private final LeadershipState leadership;
    private final MonitorElection election;
    private final AssignmentLoop loop;
    private final MoveHistory history;
    private final EtcdMapStore store;
    /** Null when fast failover is off. */
    private final FastFailover fastFailover;
    /** The proxies' refusal reports for {@link #fastFailover}; null when it is off. Set once, in start. */
    private volatile RefusalReports refusalReports;

    private ClusterMonitor(Client client, EtcdKeys keys, MonitorSettings settings, GenerationLedger ledger, Clock clock,
                           MonitorConfig.FastFailover failover) {
        this.settings = settings;
        this.watcher = ClusterWatcher.start(client, keys);
        this.store = new EtcdMapStore(new AssignmentStore(client, keys));
        this.history = new MoveHistory(100);
        this.leadership = new LeadershipState(new MonitorIdentity(settings.monitorId(), settings.monitorUrl()), clock);
        WatcherSnapshots snapshots = new WatcherSnapshots(watcher, store);
        GenerationKeeper generations = new GenerationKeeper(ledger, store, snapshots);
        AssignmentCoordinator coordinator = new AssignmentCoordinator(leadership, snapshots,
                store, history, clock, settings.autoRebalance(), settings.maxMovesPerRebalance(), generations);
        this.loop = new AssignmentLoop(coordinator, leadership, history, settings.checkInterval(), clock);
        this.election = new MonitorElection(client, keys.electionName(), leadership, settings.electionLeaseTtl(), clock);
        this.fastFailover = failover.enabled()
                ? new FastFailover(watcher::current, leadership, new TcpPortProbe(probeTimeout(failover)),
                        new EtcdLeaseRevoker(client, keys, Duration.ofSeconds(2)), clock, failover.probeInterval(),
                        probeTimeout(failover))
                : null;
    }

    /** A probe may take most of the interval; a slower answer is no answer (never evidence). */
    private static Duration probeTimeout(MonitorConfig.FastFailover failover) {
        Duration fraction = failover.probeInterval().multipliedBy(4).dividedBy(5);
        return fraction.compareTo(Duration.ofMillis(1000)) > 0 ? Duration.ofMillis(1000) : fraction;
    }

    /**
     * Starts watching, deciding and campaigning, without fast failover. The client and the ledger (MySQL's side of
     * the cluster generation) stay the caller's to close.
     */
    public static ClusterMonitor start(Client client, EtcdKeys keys, MonitorSettings settings, GenerationLedger ledger,
                                       Clock clock) {
        return start(client, keys, settings, ledger, clock, new MonitorConfig.FastFailover(false, Duration.ofMillis(300)));
    }

    /** Starts watching, deciding, campaigning and, when enabled, fast failover. The client stays the caller's to close. */
    public static ClusterMonitor start(Client client, EtcdKeys keys, MonitorSettings settings, GenerationLedger ledger,
                                       Clock clock, MonitorConfig.FastFailover failover) {
        ClusterMonitor monitor = new ClusterMonitor(client, keys, settings, ledger, clock, failover);
        try {
            // campaign only with a populated snapshot (a new term still catches up, this just saves the wait)
            if (!monitor.watcher.awaitReady(Duration.ofSeconds(10))) {
                org.slf4j.LoggerFactory.getLogger(ClusterMonitor.class)
                        .warn("cluster watcher not ready after 10 s (etcd unreachable?); campaigning anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        monitor.watcher.addListener(monitor.loop::onClusterChange);
        monitor.loop.start();
        monitor.election.start();
        if (monitor.fastFailover != null) {
            monitor.fastFailover.start();
            monitor.refusalReports = RefusalReports.start(client, keys, monitor.fastFailover::reported);
        }
        return monitor;
    }

    public MonitorSettings settings() {
        return settings;
    }

    public LeadershipState leadership() {
        return leadership;
    }

    public MonitorElection election() {
        return election;
    }

    /** The fast-failover loop, empty when {@code fast_failover} is off. */
    public java.util.Optional<FastFailover> fastFailover() {
        return java.util.Optional.ofNullable(fastFailover);
    }

    public MoveHistory history() {
        return history;
    }

    public BucketMap snapshot() {
        return watcher.current();
    }

    /** Subscribes to every new snapshot (watcher's listener thread, revision order). */
    public void addSnapshotListener(Consumer<BucketMap> listener) {
        watcher.addListener(listener);
    }

    /** Runs a decision on the decider thread (rebalance, drain, undrain); see {@link AssignmentCoordinator}. */
    public Decision decide(java.util.function.Function<AssignmentCoordinator, Decision> action) {
        return loop.call(action, DECISION_TIMEOUT);
    }

    /** Graceful stop: resign leadership (another monitor leads at once), stop deciding and watching. */
    @Override
    public void close() {
        stop(election::close);
    }

    /** Crash stand-in for tests: stop without resigning; the lease runs out in etcd. */
    public void crash() {
        stop(election::abandon);
    }

    /**
     * Stops the refusal reports and probing, leaves the election with {@code leaveElection}, then stops deciding and
     * watching.
     */
    private void stop(Runnable leaveElection) {
        if (refusalReports != null) {
            refusalReports.close();
        }
        if (fastFailover != null) {
            fastFailover.close();
        }
        leaveElection.run();
        loop.close();
        watcher.close();
    }
}
