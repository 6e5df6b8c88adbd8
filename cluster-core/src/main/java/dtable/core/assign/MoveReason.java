package dtable.core.assign;

/** Why the assignment function moved a bucket. */
public enum MoveReason {
    /** The bucket had no owner. */
    UNASSIGNED,
    /** The owner is not a live (registered) node. A node that is both dead and draining counts as dead. */
    OWNER_DEAD,
    /** The owner is live but draining. */
    OWNER_DRAINING,
    /** The owner is eligible; the bucket moved only to even out the counts ({@link Mode#REBALANCE}). */
    REBALANCE
}
