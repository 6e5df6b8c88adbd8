package dtable.monitor.assignment;

import dtable.core.cluster.BucketMap;
import java.time.Duration;

/**
 * Where the leader reads the cluster from: the watcher's latest {@link BucketMap} (no etcd read per
 * decision), and a way to wait until that snapshot has caught up with a revision (our own write, or
 * the store's head when a term starts). Implemented over {@code ClusterWatcher} and over the fake etcd.
 */
public interface ClusterSnapshots {

    /** The latest snapshot; never null. */
    BucketMap current();

    /** Waits until {@link #current()} reflects {@code revision}; false on timeout. */
    boolean awaitRevision(long revision, Duration timeout);

    /** The store's current head revision (one read); used to catch up when a leadership term starts. */
    long headRevision();
}
