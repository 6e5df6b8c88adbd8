package dtable.monitor.simulation;

import dtable.monitor.generation.EtcdGenerationStore;
import dtable.monitor.generation.GenerationKeeper;
import dtable.monitor.generation.GenerationLedger;
import dtable.monitor.generation.InMemoryGenerationLedger;
import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.EtcdKeys;
import dtable.core.etcd.LeaderGuard;
import dtable.monitor.assignment.AssignmentCoordinator;
import dtable.monitor.assignment.ClusterSnapshots;
import dtable.monitor.assignment.MapStore;
import dtable.monitor.assignment.MoveHistory;
import dtable.monitor.election.LeadershipState;
import dtable.monitor.election.MonitorIdentity;
import dtable.monitor.election.MonitorRole;
import dtable.testsupport.SettableClock;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One simulated cluster-monitor: the production {@link LeadershipState} and {@link AssignmentCoordinator}
 * running against {@link FakeEtcd}, with a watch view that only moves forward when the simulation
 * delivers it (or when the coordinator waits for it, as the real watcher would catch up), a lease
 * kept alive on election ticks, and an election modelled as etcd's: a key under the election prefix
 * attached to the lease; the lowest create revision leads.
 */
final class SimMonitor implements ClusterSnapshots, MapStore, EtcdGenerationStore {

    /** A successful guarded write, for the single-writer checks. */
    record Write(long revision, String writer, long guardRevision, List<FakeEtcd.Op> ops) {
    }

    final String id;
    final int incarnation;
    final LeadershipState state;
    final AssignmentCoordinator coordinator;
    private final FakeEtcd etcd;
    private final EtcdKeys keys;
    private final SettableClock clock;
    private final Duration ttl;
    private final Consumer<Write> writeLog;

    BucketMap view = BucketMap.empty();
    boolean paused;
    /** Set by the simulation around rebalance calls: only then may a bucket leave an eligible owner. */
    boolean rebalancing;
    private long lease;
    private String electionKey;

    SimMonitor(String id, int incarnation, FakeEtcd etcd, EtcdKeys keys, SettableClock clock, Duration ttl,
               Consumer<Write> writeLog) {
        this(id, incarnation, etcd, keys, clock, ttl, writeLog, new InMemoryGenerationLedger());
    }

    /** @param ledger MySQL's side of the generation; the monitors of one simulation share one */
    SimMonitor(String id, int incarnation, FakeEtcd etcd, EtcdKeys keys, SettableClock clock, Duration ttl,
               Consumer<Write> writeLog, GenerationLedger ledger) {
        this.id = id;
        this.incarnation = incarnation;
        this.etcd = etcd;
        this.keys = keys;
        this.clock = clock;
        this.ttl = ttl;
        this.writeLog = writeLog;
        this.state = new LeadershipState(new MonitorIdentity(id, "http://" + id), clock);
        this.coordinator = new AssignmentCoordinator(state, this, this, new MoveHistory(100), clock, false, 0,
                new GenerationKeeper(ledger, this, this));
    }

    /** What the election driver does on each tick: keep alive, notice a lost lease, campaign, notice a win. */
    void electionTick() {
        MonitorRole role = state.role();
        if (role == MonitorRole.CLOSED) {
            return;
        }
        if (role == MonitorRole.CANDIDATE || role == MonitorRole.LEADER) {
            if (etcd.keepAlive(lease, ttl)) {
                state.leaseRenewed(clock.instant().plus(ttl));
            } else {
                state.stepDown(-1, "lease lost");
            }
            if (state.leaseExpired()) {
                state.stepDown(-1, "lease deadline passed");
            }
        }
        if (state.role() == MonitorRole.FOLLOWER) {
            if (lease != 0) {
                etcd.revoke(lease);
            }
            lease = etcd.grant(ttl);
            electionKey = keys.electionName() + "/" + Long.toHexString(lease);
            etcd.put(electionKey, id, lease);
            state.campaigning(clock.instant().plus(ttl), "campaign");
        }
        if (state.role() == MonitorRole.CANDIDATE) {
            var first = etcd.firstCreated(keys.electionName() + "/");
            if (first != null && first.getKey().equals(electionKey)) {
                state.elected(new LeaderGuard(bytes(electionKey), first.getValue().createRevision()));
            }
        }
    }

    /** Watch delivery: the view catches up; a leader reacts to membership changes as AssignmentLoop does. */
    void deliverWatch() {
        BucketMap previous = view;
        view = etcd.snapshot();
        boolean membership = !previous.nodes().keySet().equals(view.nodes().keySet())
                || !previous.draining().equals(view.draining());
        if (membership && state.isLeader()) {
            coordinator.maintain("membership");
        }
    }

    void crash() {
        state.close("crash");
    }

    boolean believesLeader() {
        return state.role() == MonitorRole.LEADER;
    }

    /** True when this monitor is LEADER and its election key still stands with the guard's revision. */
    boolean trulyLeads() {
        var lead = state.guardIfLeader();
        if (lead.isEmpty()) {
            return false;
        }
        String key = lead.get().guard().key().toString(StandardCharsets.UTF_8);
        FakeEtcd.Entry entry = etcd.get(key);
        var first = etcd.firstCreated(keys.electionName() + "/");
        return entry != null && entry.createRevision() == lead.get().guard().createRevision()
                && first != null && first.getKey().equals(key);
    }

    // ---- ClusterSnapshots ----------------------------------------------------------------------

    @Override
    public BucketMap current() {
        return view;
    }

    @Override
    public boolean awaitRevision(long revision, Duration timeout) {
        if (view.revision() < revision) {
            view = etcd.snapshot(); // the real watcher delivers within the wait
        }
        return view.revision() >= revision;
    }

    @Override
    public long headRevision() {
        return etcd.revision();
    }

    @Override
    public boolean awaitGeneration(long generation, Duration timeout) {
        if (view.generation() < generation) {
            view = etcd.snapshot();
        }
        return view.generation() >= generation;
    }

    // ---- EtcdGenerationStore -------------------------------------------------------------------

    @Override
    public Reading readGeneration() {
        FakeEtcd.Entry entry = etcd.get(keys.generation());
        long newestAssign = etcd.range(keys.assignPrefix()).values().stream()
                .mapToLong(FakeEtcd.Entry::modRevision).max().orElse(0);
        return new Reading(entry == null ? 0 : Long.parseLong(entry.value()), etcd.revision(), newestAssign);
    }

    @Override
    public OptionalLong writeGeneration(long generation, LeaderGuard guard) {
        return guarded(guard, List.of(new FakeEtcd.Op(keys.generation(), Long.toString(generation))));
    }

    // ---- MapStore ------------------------------------------------------------------------------

    @Override
    public OptionalLong writeAssignments(Map<Bucket, String> changes, LeaderGuard guard) {
        List<FakeEtcd.Op> ops = new ArrayList<>();
        changes.forEach((bucket, owner) -> ops.add(new FakeEtcd.Op(keys.assign(bucket), owner)));
        return guarded(guard, ops);
    }

    @Override
    public OptionalLong setDraining(String nodeId, boolean draining, String sinceJson, LeaderGuard guard) {
        return guarded(guard, List.of(new FakeEtcd.Op(keys.draining(nodeId), draining ? sinceJson : null)));
    }

    private OptionalLong guarded(LeaderGuard guard, List<FakeEtcd.Op> ops) {
        String guardKey = guard.key().toString(StandardCharsets.UTF_8);
        // record who truly leads before the write, to check the guard let only the leader through
        var first = etcd.firstCreated(keys.electionName() + "/");
        boolean leaderBefore = first != null && first.getKey().equals(guardKey)
                && first.getValue().createRevision() == guard.createRevision();
        BucketMap truth = etcd.snapshot();
        OptionalLong rev = etcd.txnIfCreateRevision(guardKey, guard.createRevision(), ops);
        if (rev.isPresent()) {
            if (!leaderBefore) {
                throw new AssertionError("guarded write by " + id + " succeeded although it does not lead");
            }
            checkStability(truth, ops);
            writeLog.accept(new Write(rev.getAsLong(), id + "#" + incarnation, guard.createRevision(), ops));
        }
        return rev;
    }

    /** Outside a rebalance a bucket may only leave an owner that is, in etcd at the time of the write, dead or draining. */
    private void checkStability(BucketMap truth, List<FakeEtcd.Op> ops) {
        if (rebalancing) {
            return;
        }
        for (FakeEtcd.Op op : ops) {
            String bucketHex = EtcdKeys.suffix(op.key(), keys.assignPrefix());
            if (bucketHex == null) {
                continue;
            }
            String from = truth.owner(Bucket.of(bucketHex));
            if (from != null && !from.equals(op.value()) && truth.nodes().containsKey(from)
                    && !truth.draining().contains(from)) {
                throw new AssertionError("stability: " + id + " moved bucket " + bucketHex + " away from eligible "
                        + from + " to " + op.value() + " outside a rebalance");
            }
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
