package dtable.monitor.assignment;

import dtable.core.assign.AssignmentRequest;
import dtable.core.assign.AssignmentResult;
import dtable.core.assign.BucketAssigner;
import dtable.core.assign.HeldBuckets;
import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.monitor.election.LeadershipState;
import dtable.monitor.election.LeadershipState.Leadership;
import dtable.monitor.generation.GenerationKeeper;
import dtable.monitor.generation.GuardRefusedException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's decision logic (SPEC §4, §10), free of threads and of jetcd so the simulation runs it
 * against a fake etcd: read the snapshot, run {@link BucketAssigner}, write only the changed keys through
 * the guarded {@link MapStore}, wait until the snapshot shows the write, remember the moves.
 *
 * <p>Before every decision the {@link GenerationKeeper} makes sure etcd carries a cluster generation newer
 * than every token MySQL has seen (a wiped or restored etcd gets a new one first), and unassigned buckets
 * go back to the node that reports holding them ({@link HeldBuckets}) before orphans are placed.
 *
 * <p>Rules it keeps: nothing is written when nothing changed; only the leader writes, and a refused
 * guarded write steps the term down ({@link LeadershipState#stepDown}) and throws {@link NotLeaderException};
 * after every write the next decision waits for the snapshot to contain it, so a decision never works on
 * a map older than the leader's own last write (and a new term first catches up with the store's head).
 *
 * <p>Thread rules: not thread-safe; call from one thread at a time (the monitor's decider thread, or
 * the simulation's single thread).
 */
public final class AssignmentCoordinator {

    private static final Logger log = LoggerFactory.getLogger(AssignmentCoordinator.class);
    private static final Duration CATCH_UP = Duration.ofSeconds(10);

    private final LeadershipState leadership;
    private final ClusterSnapshots snapshots;
    private final MapStore store;
    private final MoveHistory history;
    private final Clock clock;
    private final boolean autoRebalance;
    private final int maxMovesPerRebalance;
    private final GenerationKeeper generations;

    // confined to the calling thread
    private long preparedTerm = -1;
    private Set<String> knownNodes = Set.of();

    public AssignmentCoordinator(LeadershipState leadership, ClusterSnapshots snapshots, MapStore store,
                                 MoveHistory history, Clock clock, boolean autoRebalance, int maxMovesPerRebalance,
                                 GenerationKeeper generations) {
        this.generations = java.util.Objects.requireNonNull(generations, "generations");
        this.leadership = leadership;
        this.snapshots = snapshots;
        this.store = store;
        this.history = history;
        this.clock = clock;
        this.autoRebalance = autoRebalance;
        this.maxMovesPerRebalance = maxMovesPerRebalance;
    }

    /**
     * Places orphaned buckets (MAINTAIN); with {@code auto_rebalance}, a decision that sees a node which
     * joined since the previous one runs REBALANCE instead. A no-op on a follower.
     */
    public Decision maintain(String trigger) {
        var lead = leadership.guardIfLeader();
        if (lead.isEmpty()) {
            return Decision.none(snapshots.current().revision());
        }
        BucketMap view = prepare(lead.get());
        Set<String> live = view.nodes().keySet();
        boolean joined = !knownNodes.containsAll(live);
        AssignmentRequest request = autoRebalance && joined
                ? AssignmentRequest.rebalance(view.assignment(), live, view.draining(), maxMovesPerRebalance)
                : AssignmentRequest.maintain(view.assignment(), live, view.draining());
        Decision decision = apply(lead.get(), view, request, autoRebalance && joined ? "join" : trigger);
        knownNodes = Set.copyOf(live); // only once written: a failed attempt still counts the join next time
        return decision;
    }

    /**
     * Evens out the counts now with the minimum number of moves, at most {@code maxMoves} (0 = unlimited;
     * null = the configured {@code max_moves_per_rebalance}).
     *
     * @throws NotLeaderException when not the leader or deposed during the write
     */
    public Decision rebalance(Integer maxMoves, String trigger) {
        Leadership lead = requireLeader();
        BucketMap view = prepare(lead);
        int cap = maxMoves == null ? maxMovesPerRebalance : maxMoves;
        return apply(lead, view, AssignmentRequest.rebalance(view.assignment(), view.nodes().keySet(),
                view.draining(), cap), trigger);
    }

    /**
     * Marks {@code nodeId} draining (guarded) and runs MAINTAIN at once, so each of its buckets moves
     * exactly once, to the least-loaded eligible node.
     *
     * @throws UnknownNodeException when the node is neither live, nor owner of a bucket, nor draining
     * @throws NotLeaderException   when not the leader or deposed
     */
    public Decision drain(String nodeId) {
        Leadership lead = requireLeader();
        BucketMap view = prepare(lead);
        requireKnown(view, nodeId);
        Set<String> draining = new TreeSet<>(view.draining());
        long markRevision = view.revision();
        if (draining.add(nodeId)) {
            String since = "{\"since\":\"" + clock.instant() + "\"}";
            OptionalLong rev = store.setDraining(nodeId, true, since, lead.guard());
            refused(rev, lead, "draining/" + nodeId);
            markRevision = rev.getAsLong();
            log.info("node {} marked draining at revision {}", nodeId, markRevision);
        }
        Decision decision = apply(lead, view,
                AssignmentRequest.maintain(view.assignment(), view.nodes().keySet(), draining), "drain");
        if (decision.moves().isEmpty()) {
            awaitSnapshot(markRevision);
            return new Decision(decision.mode(), decision.moves(), Math.max(markRevision, decision.revision()));
        }
        return decision;
    }

    /**
     * Removes the draining mark; nothing moves now (buckets come back at the next rebalance).
     *
     * @throws UnknownNodeException when the node is unknown
     * @throws NotLeaderException   when not the leader or deposed
     */
    public Decision undrain(String nodeId) {
        Leadership lead = requireLeader();
        BucketMap view = prepare(lead);
        requireKnown(view, nodeId);
        if (!view.draining().contains(nodeId)) {
            return Decision.none(view.revision());
        }
        OptionalLong rev = store.setDraining(nodeId, false, null, lead.guard());
        refused(rev, lead, "draining/" + nodeId);
        log.info("node {} no longer draining at revision {}", nodeId, rev.getAsLong());
        awaitSnapshot(rev.getAsLong());
        return new Decision(null, java.util.List.of(), rev.getAsLong());
    }

    private Leadership requireLeader() {
        return leadership.guardIfLeader().orElseThrow(() -> new NotLeaderException("this monitor is not the leader"));
    }

    /**
     * On the first decision of a term, catch up with the store's head so no earlier leader's write is missed;
     * before every decision, establish the cluster generation.
     */
    private BucketMap prepare(Leadership lead) {
        BucketMap view = catchUp(lead);
        try {
            generations.ensure(lead.guard(), () -> leadership.guardIfLeader().filter(l -> l.term() == lead.term()).isPresent());
        } catch (GuardRefusedException e) {
            leadership.stepDown(lead.term(), e.getMessage());
            throw new NotLeaderException("lost leadership: the guarded write of the generation was refused");
        }
        BucketMap now = snapshots.current();
        if (now.generation() != view.generation() || now.incarnation() != view.incarnation()) {
            // a new etcd: judge who joined from the map of this etcd, as a new term would
            Set<String> owners = new HashSet<>(now.assignment().values());
            now.nodes().forEach((id, info) -> {
                if (!info.heldBuckets().isEmpty()) {
                    owners.add(id);
                }
            });
            owners.retainAll(now.nodes().keySet());
            knownNodes = Set.copyOf(owners);
        }
        return now;
    }

    private BucketMap catchUp(Leadership lead) {
        if (preparedTerm != lead.term()) {
            awaitSnapshot(snapshots.headRevision());
            BucketMap view = snapshots.current();
            // nodes that already own buckets were known to the previous leader; the others count as joined
            Set<String> owners = new HashSet<>(view.assignment().values());
            owners.retainAll(view.nodes().keySet());
            knownNodes = Set.copyOf(owners);
            preparedTerm = lead.term();
        }
        return snapshots.current();
    }

    private Decision apply(Leadership lead, BucketMap view, AssignmentRequest request, String trigger) {
        AssignmentResult result = HeldBuckets.assign(request, held(view));
        if (!result.changed()) {
            return new Decision(request.mode(), java.util.List.of(), view.revision());
        }
        OptionalLong rev = store.writeAssignments(result.changes(), lead.guard());
        refused(rev, lead, result.moves().size() + " assign keys");
        long revision = rev.getAsLong();
        history.recordDecision(result.moves(), clock.instant(), trigger, revision);
        log.info("{} ({}): moved {} bucket(s) at revision {}: {}", request.mode(), trigger, result.moves().size(),
                revision, summary(result));
        awaitSnapshot(revision);
        return new Decision(request.mode(), result.moves(), revision);
    }

    /** What each live node reports it held before (its registration's {@code held_buckets}). */
    private static Map<String, Set<Bucket>> held(BucketMap view) {
        Map<String, Set<Bucket>> held = new java.util.TreeMap<>();
        view.nodes().forEach((id, info) -> {
            Set<Bucket> buckets = new TreeSet<>();
            info.heldBuckets().forEach(hex -> buckets.add(Bucket.of(hex)));
            if (!buckets.isEmpty()) {
                held.put(id, buckets);
            }
        });
        return held;
    }

    private void refused(OptionalLong rev, Leadership lead, String what) {
        if (rev.isEmpty()) {
            leadership.stepDown(lead.term(), "guarded write of " + what + " refused: deposed");
            throw new NotLeaderException("lost leadership: the guarded write was refused");
        }
    }

    private void awaitSnapshot(long revision) {
        if (!snapshots.awaitRevision(revision, CATCH_UP)) {
            log.warn("watch did not reach revision {} within {}", revision, CATCH_UP);
        }
    }

    private static void requireKnown(BucketMap view, String nodeId) {
        if (!view.nodes().containsKey(nodeId) && view.bucketsOf(nodeId).isEmpty() && !view.draining().contains(nodeId)) {
            throw new UnknownNodeException(nodeId);
        }
    }

    private static String summary(AssignmentResult result) {
        Map<String, Integer> byTarget = new java.util.TreeMap<>();
        result.moves().forEach(m -> byTarget.merge(m.from() + "->" + m.to() + "(" + m.reason() + ")", 1, Integer::sum));
        return byTarget.toString();
    }
}
