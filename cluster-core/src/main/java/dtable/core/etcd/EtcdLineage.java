package dtable.core.etcd;

/**
 * What one client has seen of etcd's history, to notice that etcd was replaced underneath it: wiped and
 * started empty, rebuilt, or restored from an older snapshot. Within one etcd cluster the cluster id never
 * changes and the revision of a linearizable answer never goes below a revision seen before that request
 * was sent (every revision seen was committed before the request started; a revision seen while the request
 * was in flight proves nothing, which is why the caller passes the floor it had when it sent the request).
 * So a different cluster id, or a linearizable answer below its floor, means the history this client
 * followed is gone.
 *
 * <p>Watch responses are checked for the cluster id only: a watch may be served by a member that is
 * a little behind the one that answered before, so its header revision can legitimately be lower.
 *
 * <p>Pure; not thread-safe (the watcher keeps one on its own thread).
 */
final class EtcdLineage {

    private long clusterId;
    private long highestRevision;

    /**
     * Records one response header.
     *
     * @param floor for a linearizable read (range reads, transactions): {@link #highestRevision()} when the
     *              request was sent; 0 for watch responses, which are checked for the cluster id only
     * @return null when the answer fits the history seen so far, otherwise why it does not
     */
    String observe(long responseClusterId, long revision, long floor) {
        if (clusterId != 0 && responseClusterId != 0 && responseClusterId != clusterId) {
            return "etcd cluster id changed from " + Long.toHexString(clusterId) + " to "
                    + Long.toHexString(responseClusterId) + " (revision " + highestRevision + " → " + revision + ")";
        }
        if (revision < floor) {
            return "etcd revision went back from " + floor + " to " + revision + " (cluster id "
                    + Long.toHexString(responseClusterId) + ")";
        }
        if (responseClusterId != 0) {
            clusterId = responseClusterId;
        }
        highestRevision = Math.max(highestRevision, revision);
        return null;
    }

    /** Forgets the old history and starts following the answer that revealed the new one. */
    void restartFrom(long responseClusterId, long revision) {
        clusterId = responseClusterId;
        highestRevision = revision;
    }

    long highestRevision() {
        return highestRevision;
    }

    long clusterId() {
        return clusterId;
    }
}
