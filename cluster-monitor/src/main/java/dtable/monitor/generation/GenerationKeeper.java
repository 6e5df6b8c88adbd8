package dtable.monitor.generation;

import dtable.core.cluster.BucketMap;
import dtable.core.cluster.FencingToken;
import dtable.core.etcd.LeaderGuard;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure etcd carries a cluster generation that is newer than every assignment token MySQL has seen,
 * before the leader assigns anything (SPEC §3, §5; docs/reliability.md "etcd lost or restored").
 *
 * <p>Run by the leader before every decision. It reads MySQL (the generation row and the highest claim)
 * and then etcd (the {@code generation} key and the head revision, in that order, so a claim that MySQL
 * shows was made with a revision etcd had already issued). A new generation is needed when
 * <ul>
 *   <li>etcd has no generation key (a new or wiped etcd),</li>
 *   <li>etcd's generation differs from MySQL's (a leader advanced MySQL and died before writing etcd, or
 *       MySQL was restored), or</li>
 *   <li>MySQL holds a claim above (etcd's generation, etcd's head revision): etcd's history is older than
 *       one the cluster already acted on, i.e. it was restored from a snapshot.</li>
 * </ul>
 * Then it advances MySQL first (compare-and-set from the value it read, so of racing monitors exactly
 * one wins each step), writes the new value into etcd guarded by the election key, and waits until the
 * watcher's snapshot shows it. The assignments decided afterwards all carry the new generation.
 *
 * <p>When MySQL cannot be reached and etcd already has a generation, the decision goes ahead (failover
 * must not depend on MySQL; safety never does, it rests on the epoch) and the check is repeated later.
 *
 * <p>Not thread-safe: called on the decider thread.
 */
public final class GenerationKeeper {

    private static final Logger log = LoggerFactory.getLogger(GenerationKeeper.class);

    /** Waits for the watcher's snapshot. */
    public interface Snapshots {
        BucketMap current();

        boolean awaitGeneration(long generation, Duration timeout);
    }

    /** How long the watcher's snapshot may take to show a generation etcd holds. */
    private static final Duration CATCH_UP = Duration.ofSeconds(10);

    private final GenerationLedger ledger;
    private final EtcdGenerationStore etcd;
    private final Snapshots snapshots;
    private boolean ledgerWarned;

    public GenerationKeeper(GenerationLedger ledger, EtcdGenerationStore etcd, Snapshots snapshots) {
        this.ledger = ledger;
        this.etcd = etcd;
        this.snapshots = snapshots;
    }

    /**
     * Establishes the generation if needed and returns once the snapshot shows etcd's current generation.
     *
     * @param stillLeader re-checked before writing etcd
     * @return true when this call advanced the generation
     * @throws GenerationUnavailableException when no decision may be taken now
     * @throws GuardRefusedException          when the guarded etcd write was refused (deposed)
     */
    public boolean ensure(LeaderGuard guard, BooleanSupplier stillLeader) {
        long mysqlGeneration;
        long highestClaim;
        try {
            mysqlGeneration = ledger.current();
            highestClaim = ledger.highestClaim();
            ledgerWarned = false;
        } catch (LedgerUnavailableException e) {
            EtcdGenerationStore.Reading reading = etcd.readGeneration();
            if (reading.generation() == 0) {
                throw new GenerationUnavailableException("etcd has no cluster generation and MySQL cannot be asked"
                        + " for one (" + e.getMessage() + "): assigning nothing until it can", e);
            }
            if (!ledgerWarned) {
                log.warn("cannot check the cluster generation against MySQL ({}); going on with etcd's generation {}",
                        e.getMessage(), reading.generation());
                ledgerWarned = true;
            }
            awaitSnapshotAt(reading);
            return false;
        }
        EtcdGenerationStore.Reading reading = etcd.readGeneration();
        String why = reason(reading, mysqlGeneration, highestClaim);
        if (why == null) {
            awaitSnapshotAt(reading);
            return false;
        }
        long next = Math.max(Math.max(mysqlGeneration, reading.generation()), FencingToken.generation(highestClaim)) + 1;
        if (!stillLeader.getAsBoolean()) {
            throw new GenerationUnavailableException("no longer the leader; not advancing the generation");
        }
        if (!ledger.advance(mysqlGeneration, next)) {
            throw new GenerationUnavailableException("the cluster generation in MySQL moved from " + mysqlGeneration
                    + " while this leader advanced it (another monitor?); checking again at the next decision");
        }
        log.error("CLUSTER GENERATION {} -> {}: {}. MySQL advanced; writing it to etcd, then assigning",
                reading.generation(), next, why);
        OptionalLong revision = etcd.writeGeneration(next, guard);
        if (revision.isEmpty()) {
            throw new GuardRefusedException("generation " + next);
        }
        if (!snapshots.awaitGeneration(next, CATCH_UP)) {
            throw new GenerationUnavailableException("the watcher did not show generation " + next + " within " + CATCH_UP);
        }
        log.warn("cluster generation {} in etcd at revision {}; assignment tokens are now (generation {}, revision)",
                next, revision.getAsLong(), next);
        return true;
    }

    /** Why a new generation is needed, or null when etcd's is good. Pure; package-visible for tests. */
    static String reason(EtcdGenerationStore.Reading etcd, long mysqlGeneration, long highestClaim) {
        if (etcd.generation() == 0) {
            return "etcd has no generation key (new, wiped or rebuilt etcd; MySQL is at generation "
                    + mysqlGeneration + ")";
        }
        if (etcd.generation() != mysqlGeneration) {
            return "etcd's generation " + etcd.generation() + " is not MySQL's " + mysqlGeneration;
        }
        // assign/ keys are overwritten, never deleted: in one history no token exceeds the newest one's revision
        long newest = FencingToken.of(etcd.generation(),
                Math.min(Math.min(etcd.headRevision(), etcd.assignRevision()), FencingToken.MAX_REVISION));
        if (highestClaim > newest) {
            return "a base was claimed with token " + FencingToken.toString(highestClaim) + " but etcd's newest"
                    + " assignment is " + FencingToken.toString(newest) + ": etcd is older than the cluster has seen"
                    + " (restored from a snapshot?)";
        }
        return null;
    }

    /**
     * The snapshot must come from the etcd just read: same generation (generations only grow, a new etcd gets
     * a new one) and not ahead of etcd's head (a watcher that has not yet noticed a restore still shows the
     * lost history's higher revisions).
     */
    private void awaitSnapshotAt(EtcdGenerationStore.Reading reading) {
        if (snapshots.current().generation() != reading.generation()
                && !snapshots.awaitGeneration(reading.generation(), CATCH_UP)) {
            throw new GenerationUnavailableException("the watcher shows generation " + snapshots.current().generation()
                    + ", etcd has " + reading.generation() + "; waiting for it to catch up");
        }
        if (snapshots.current().revision() > reading.headRevision()
                && snapshots.current().revision() > etcd.readGeneration().headRevision()) { // re-read: it may just have moved on
            throw new GenerationUnavailableException("the watcher's view (revision " + snapshots.current().revision()
                    + ") is ahead of etcd (revision " + reading.headRevision() + "): etcd's history went back and"
                    + " the watcher has not re-read it yet");
        }
    }
}
