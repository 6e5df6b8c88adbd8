package dtable.monitor.assignment;

import dtable.core.cluster.BucketMap;
import java.time.Duration;

/**
 * Where the leader reads the cluster from: the watcher's latest {@link BucketMap} (no etcd read per
 * decision), and a way to wait until that snapshot has caught up with a revision (our own write, or
 * the store's head when a term starts). Implemented over {@code ClusterWatcher} and over the fake etcd.
 */
public interface ClusterSnapshots extends dtable.monitor.generation.GenerationKeeper.Snapshots {

    /** The latest snapshot; never null. */
    BucketMap current();

    /** Waits until {@link #current()} shows cluster generation {@code generation} or a higher one; false on timeout. */
    @Override
    boolean awaitGeneration(long generation, Duration timeout);

    /** Waits until {@link #current()} reflects {@code revision}; false on timeout. */
    boolean awaitRevision(long revision, Duration timeout);

    /**
     * The newest revision the snapshot must reach to include every write made so far in the cluster
     * namespace (one read); a new leadership term waits for it before its first decision.
     */
    long headRevision();
}
