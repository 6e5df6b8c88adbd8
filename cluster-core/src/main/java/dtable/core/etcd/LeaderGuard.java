package dtable.core.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import java.util.Objects;

/**
 * Proof of leadership carried into every write of the monitor leader: its election key and that
 * key's create revision. A transaction guarded by it commits only while that exact key exists, so
 * a deposed leader (whose key was deleted, or re-created by a later campaign) cannot write.
 *
 * @param key            the leader's election key (jetcd {@link LeaderKey#getKey()})
 * @param createRevision the key's create revision (jetcd {@link LeaderKey#getRevision()})
 */
public record LeaderGuard(ByteSequence key, long createRevision) {

    public LeaderGuard {
        Objects.requireNonNull(key, "key");
        if (createRevision <= 0) {
            throw new IllegalArgumentException("create revision must be positive: " + createRevision);
        }
    }

    /** The guard of a won campaign. */
    public static LeaderGuard of(LeaderKey leaderKey) {
        return new LeaderGuard(leaderKey.getKey(), leaderKey.getRevision());
    }

    /** The {@code If} of a guarded transaction: the election key still has this create revision. */
    public Cmp isLeader() {
        return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision));
    }
}
