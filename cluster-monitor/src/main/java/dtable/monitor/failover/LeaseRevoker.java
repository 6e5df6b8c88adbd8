package dtable.monitor.failover;

import dtable.core.etcd.LeaderGuard;

/** The write seam of fast failover: revoke the lease a node's {@code nodes/{id}} key is attached to. */
@FunctionalInterface
public interface LeaseRevoker {

    /** What a revocation did. */
    enum Outcome {
        /** The lease is gone: etcd deleted the node's key, and the watch reports the departure to everyone. */
        REVOKED,
        /** The node's key (or its lease) was already gone: nothing to do. */
        ALREADY_GONE,
        /** The leader guard failed: this monitor does not lead any more and changed nothing. */
        NOT_LEADER
    }

    /** @throws RuntimeException when etcd could not be reached (the next round tries again) */
    Outcome revoke(String nodeId, LeaderGuard guard);
}
