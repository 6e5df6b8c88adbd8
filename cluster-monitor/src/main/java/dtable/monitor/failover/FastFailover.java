package dtable.monitor.failover;

import dtable.core.cluster.BucketMap;
import dtable.core.cluster.NodeInfo;
import dtable.monitor.election.LeadershipState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's probing loop (thin: the decision is {@link DeathEvidence}). Every {@code interval}, while this
 * monitor leads, it connects to the port of every registered node's {@code local_node_url} at once, feeds the
 * round to {@link DeathEvidence}, and revokes the lease of each node proven dead. The revocation deletes the
 * node's key; the watch reports the departure and the assignment loop moves the node's buckets through the
 * normal guarded path ({@code owner_dead}). A node that was in fact alive sees its keep-alive answered "lease
 * not found", fences itself, and registers again under a new lease.
 *
 * <p>Reports from elsewhere ({@link #reported}: a proxy that had a connection to a node refused, see
 * {@link RefusalReports}) only bring the next two rounds forward — one at once, one after the least spacing of two
 * refusals that count — so that a dead node is confirmed within about half an interval. The verdict is still this
 * monitor's own: a node that accepts the leader's probe keeps its lease whatever was reported.
 *
 * <p>Thread rules: {@link #round()} runs on the single {@code monitor-failover} thread (or a test's thread,
 * never both); probes run on virtual threads and are awaited within the round.
 */
public final class FastFailover implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FastFailover.class);

    private final Supplier<BucketMap> snapshot;
    private final LeadershipState leadership;
    private final PortProbe probe;
    private final LeaseRevoker revoker;
    private final Duration interval;
    private final Duration probeTimeout;
    private final DeathEvidence evidence;
    private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer;
    private volatile long revocations;
    /** Nodes whose refusals would count, as of the last round (for the cluster view and tests). */
    private volatile java.util.Set<String> armed = java.util.Set.of();
    /** True while rounds brought forward by a report are pending (reports in a burst bring them forward once). */
    private final java.util.concurrent.atomic.AtomicBoolean earlyRounds = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong reports = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param interval     time between two rounds (and the least spacing of two refusals that count)
     * @param probeTimeout how long a round waits for a probe before it counts as {@link ProbeResult#NO_ANSWER}
     */
    public FastFailover(Supplier<BucketMap> snapshot, LeadershipState leadership, PortProbe probe, LeaseRevoker revoker,
                        Clock clock, Duration interval, Duration probeTimeout) {
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
        this.leadership = Objects.requireNonNull(leadership, "leadership");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.revoker = Objects.requireNonNull(revoker, "revoker");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.probeTimeout = Objects.requireNonNull(probeTimeout, "probeTimeout");
        // a round may be late (a loaded machine), never early: half the interval still separates two rounds
        this.evidence = new DeathEvidence(clock, interval.dividedBy(2));
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("monitor-failover-" + leadership.self().monitorId()).daemon(true).factory());
    }

    /** Starts the rounds (fixed delay: a slow round never piles up behind itself). */
    public FastFailover start() {
        long period = interval.toMillis();
        timer.scheduleWithFixedDelay(this::safeRound, period, period, TimeUnit.MILLISECONDS);
        log.info("fast failover on: probing every node's port every {} ms; two refusals in a row revoke its lease", period);
        return this;
    }

    /** The nodes this monitor has seen accepting, whose refusals would count, as of the last round. */
    public java.util.Set<String> armedNodes() {
        return armed;
    }

    /**
     * Someone else saw {@code nodeId} refuse a connection: probe every node now and once more after the least
     * spacing that makes two refusals count. Ignored by a follower; never evidence by itself. Any thread.
     */
    public void reported(String nodeId) {
        if (leadership.guardIfLeader().isEmpty() || !earlyRounds.compareAndSet(false, true)) {
            return;
        }
        reports.incrementAndGet();
        log.info("fast failover: {} reported refusing connections; probing now", nodeId);
        try {
            timer.execute(() -> {
                safeRound();
                // from the end of that round, so that the two refusals are at least the spacing apart
                scheduleQuietly(() -> {
                    earlyRounds.set(false);
                    safeRound();
                }, interval.dividedBy(2));
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            earlyRounds.set(false); // closed
        }
    }

    private void scheduleQuietly(Runnable task, Duration delay) {
        try {
            timer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            earlyRounds.set(false); // closed
        }
    }

    /** Reports that brought rounds forward since this monitor started. */
    public long reports() {
        return reports.get();
    }

    /** Leases revoked by this monitor since it started. */
    public long revocations() {
        return revocations;
    }

    private void safeRound() {
        try {
            round();
        } catch (RuntimeException e) {
            // an exception would cancel the schedule; etcd unreachable is retried next round
            log.warn("fast failover round failed: {}", Objects.toString(e.getMessage(), e.toString()));
        }
    }

    /** One round: probe, decide, revoke. Does nothing (and forgets all evidence) unless this monitor leads. */
    public void round() {
        Optional<LeadershipState.Leadership> leading = leadership.guardIfLeader();
        if (leading.isEmpty()) {
            evidence.reset();
            armed = java.util.Set.of();
            return;
        }
        Map<String, String> urls = new LinkedHashMap<>();
        for (NodeInfo node : snapshot.get().nodes().values()) {
            if (node.localNodeUrl() != null && !node.localNodeUrl().isBlank()) {
                urls.put(node.nodeId(), node.localNodeUrl());
            }
        }
        DeathEvidence.Verdict verdict = evidence.round(probeAll(urls));
        armed = urls.keySet().stream().filter(evidence::isArmed).collect(java.util.stream.Collectors.toUnmodifiableSet());
        for (String nodeId : verdict.heldBack()) {
            log.warn("fast failover: {} refused {} connections in a row, but so did every other node;"
                    + " not acting (the lease decides)", nodeId, DeathEvidence.REFUSALS_REQUIRED);
        }
        for (String nodeId : verdict.dead()) {
            LeaseRevoker.Outcome outcome = revoker.revoke(nodeId, leading.get().guard());
            switch (outcome) {
                case REVOKED -> {
                    revocations++;
                    log.warn("fast failover: {} ({}) refused {} connections in a row: revoked its lease;"
                            + " its buckets move now", nodeId, urls.get(nodeId), DeathEvidence.REFUSALS_REQUIRED);
                    evidence.acted(nodeId);
                }
                case ALREADY_GONE -> evidence.acted(nodeId);
                case NOT_LEADER -> {
                    log.info("fast failover: not the leader any more; {} left to the next leader", nodeId);
                    evidence.reset();
                    return;
                }
            }
        }
    }

    private Map<String, DeathEvidence.Probe> probeAll(Map<String, String> urls) {
        List<Map.Entry<String, Future<ProbeResult>>> pending = new ArrayList<>();
        for (Map.Entry<String, String> node : urls.entrySet()) {
            pending.add(Map.entry(node.getKey(), probes.submit(() -> probe.probe(node.getValue()))));
        }
        long deadline = System.nanoTime() + probeTimeout.toNanos();
        Map<String, DeathEvidence.Probe> results = new LinkedHashMap<>();
        for (Map.Entry<String, Future<ProbeResult>> p : pending) {
            ProbeResult result;
            try {
                result = p.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result = ProbeResult.NO_ANSWER;
            } catch (Exception e) {
                p.getValue().cancel(true);
                result = ProbeResult.NO_ANSWER;
            }
            results.put(p.getKey(), new DeathEvidence.Probe(urls.get(p.getKey()), result));
        }
        return results;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        probes.shutdownNow();
    }
}
