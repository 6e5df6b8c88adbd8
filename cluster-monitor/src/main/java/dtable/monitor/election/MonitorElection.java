package dtable.monitor.election;

import dtable.core.etcd.LeaderGuard;
import dtable.core.etcd.LeaseKeeper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.election.NoLeaderException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link LeadershipState} with a jetcd {@code Election}: grants a lease of the election TTL,
 * campaigns with the monitor's {@link MonitorIdentity} as value, keeps the lease alive with a {@link LeaseKeeper}
 * (the one the nodes use: one {@code keepAliveOnce} every TTL/4, the deadline anchored at each answered request's
 * send time and measured on the injected clock), trusting the lease for its whole TTL,
 * steps down when the lease is lost and campaigns again whenever the state falls back to FOLLOWER
 * (including after a refused guarded write, which the assignment side reports to the state).
 *
 * <p>Thread rules: every field below is touched only on the single {@code monitor-election} thread;
 * jetcd callbacks hop onto it. Public methods may be called from any thread.
 */
public final class MonitorElection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MonitorElection.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration RETRY_DELAY = Duration.ofMillis(500);

    private final Client client;
    private final ByteSequence electionName;
    private final LeadershipState state;
    private final Duration leaseTtl;
    private final Clock clock;
    private final ScheduledExecutorService thread;

    // confined to the election thread
    private long leaseId;
    /** The keeper of {@link #leaseId}, or null without a lease. */
    private LeaseKeeper keeper;
    private long generation;
    private LeaderKey leaderKey;
    private boolean keepAliveSuspended;
    private boolean started;

    public MonitorElection(Client client, String electionName, LeadershipState state, Duration leaseTtl, Clock clock) {
        this.client = client;
        this.electionName = bytes(electionName);
        this.state = state;
        this.leaseTtl = leaseTtl;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("monitor-election-" + state.self().monitorId()).daemon(true).factory());
        state.addListener(change -> {
            if (change.to() == MonitorRole.FOLLOWER) {
                submitLater(this::campaignIfFollower, RETRY_DELAY);
            }
        });
    }

    public LeadershipState state() {
        return state;
    }

    /** Starts campaigning and the keep-alive loop. */
    public void start() {
        submit(() -> {
            if (started) {
                return;
            }
            started = true;
            // a tenth of LeaseKeeper's period for a trust of one TTL: the keeper decides when a call is due
            long period = Math.max(25, leaseTtl.toMillis() / 40);
            thread.scheduleWithFixedDelay(this::keepAliveTick, period, period, TimeUnit.MILLISECONDS);
            campaignIfFollower();
        });
    }

    /** The leader's identity as the election shows it now, or empty when there is none (or etcd is unreachable). */
    public Optional<MonitorIdentity> currentLeader() {
        try {
            KeyValue kv = client.getElectionClient().leader(electionName)
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getKv();
            return Optional.of(MonitorIdentity.fromJson(kv.getValue().toString(StandardCharsets.UTF_8)));
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof NoLeaderException)) {
                log.debug("leader lookup failed: {}", e.getCause().toString());
            }
            return Optional.empty();
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Test hook standing in for a paused process: stops sending keep-alives (the lease then expires in etcd)
     * while this monitor keeps believing whatever its clock tells it.
     */
    public void suspendKeepAlive() {
        submit(() -> keepAliveSuspended = true);
    }

    /** Graceful shutdown: resign (the next candidate leads at once), revoke the lease, close the state. */
    @Override
    public void close() {
        if (thread.isShutdown()) {
            return; // abandoned already
        }
        submitAndWait(() -> {
            state.close("shutdown");
            if (leaderKey != null) {
                try {
                    client.getElectionClient().resign(leaderKey).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    log.info("monitor {} resigned leadership", state.self().monitorId());
                } catch (Exception e) {
                    log.warn("resign failed: {}", e.toString());
                }
            }
            revokeLease();
        });
        thread.shutdownNow();
    }

    /** Crash stand-in for tests: stops everything without resigning or revoking, as kill -9 would. */
    public void abandon() {
        thread.shutdownNow();
        state.close("abandoned (simulated crash)");
    }

    private void campaignIfFollower() {
        if (state.role() != MonitorRole.FOLLOWER || thread.isShutdown()) {
            return;
        }
        revokeLease();
        long gen = ++generation;
        Instant sentAt = clock.instant();
        try {
            leaseId = client.getLeaseClient().grant(leaseTtl.toSeconds())
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getID();
        } catch (Exception e) {
            log.warn("monitor {}: cannot grant election lease: {}", state.self().monitorId(), rootMessage(e));
            submitLater(this::campaignIfFollower, RETRY_DELAY);
            return;
        }
        keeper = new LeaseKeeper(LeaseKeeper.KeepAliveCall.of(client.getLeaseClient()), leaseId, leaseTtl, leaseTtl,
                clock, sentAt);
        state.campaigning(keeper.validUntil(), "campaigning with lease " + Long.toHexString(leaseId));
        ByteSequence value = bytes(state.self().toJson());
        client.getElectionClient().campaign(electionName, leaseId, value)
                .whenComplete((response, error) -> submit(() -> onCampaignDone(gen, response, error)));
    }

    private void onCampaignDone(long gen, CampaignResponse response, Throwable error) {
        if (gen != generation || state.role() != MonitorRole.CANDIDATE) {
            return; // an older campaign whose lease was already given up
        }
        if (error != null) {
            state.stepDown(-1, "campaign failed: " + rootMessage(error));
            return;
        }
        LeaderKey key = response.getLeader();
        if (!stillHeld(key)) {
            state.stepDown(-1, "election key vanished before the campaign returned (lease expired)");
            return;
        }
        leaderKey = key;
        state.elected(new LeaderGuard(key.getKey(), key.getRevision()));
    }

    /** Guards against a campaign that returned after its lease had expired on the server. */
    private boolean stillHeld(LeaderKey key) {
        try {
            List<KeyValue> kvs = client.getKVClient().get(key.getKey())
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getKvs();
            return !kvs.isEmpty() && kvs.get(0).getCreateRevision() == key.getRevision();
        } catch (Exception e) {
            return false;
        }
    }

    private void keepAliveTick() {
        MonitorRole role = state.role();
        if (role != MonitorRole.CANDIDATE && role != MonitorRole.LEADER) {
            return;
        }
        if (!keepAliveSuspended && keeper != null && keeper.due(clock.instant())) {
            // not waited for: an answer that a member cannot give must not delay the next call (to another member)
            keeper.send().thenAccept(renewal -> submit(() -> renewed(renewal)));
        }
        if (state.leaseExpired()) {
            loseLease("no keep-alive answer within the lease TTL " + leaseTtl.toSeconds() + " s");
        }
    }

    private void renewed(LeaseKeeper.Renewal renewal) {
        if (keeper == null || renewal.leaseId() != leaseId) {
            return; // an answer for a lease given up meanwhile
        }
        switch (renewal.outcome()) {
            case RENEWED -> {
                keeper.record(renewal);
                state.leaseRenewed(keeper.validUntil());
            }
            case GONE -> loseLease("lease " + Long.toHexString(leaseId) + ": " + renewal.detail());
            case NO_ANSWER, CLIENT_CLOSED -> {
                keeper.record(renewal); // the next call goes out sooner
                log.debug("keep-alive failed: {}", renewal.detail());
            }
        }
    }

    private void loseLease(String reason) {
        leaderKey = null;
        state.stepDown(-1, reason);
    }

    private void revokeLease() {
        if (leaseId != 0) {
            long old = leaseId;
            leaseId = 0;
            keeper = null;
            leaderKey = null;
            client.getLeaseClient().revoke(old).exceptionally(e -> null);
        }
    }

    private void submit(Runnable task) {
        if (!thread.isShutdown()) {
            try {
                thread.execute(guarded(task));
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // shutting down
            }
        }
    }

    private void submitLater(Runnable task, Duration delay) {
        if (!thread.isShutdown()) {
            try {
                thread.schedule(guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // shutting down
            }
        }
    }

    private void submitAndWait(Runnable task) {
        try {
            thread.submit(guarded(task)).get(2 * CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("election task did not finish: {}", e.toString());
        }
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("election task failed", e);
            }
        };
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
