package dtable.core.assign;

/** What the assignment function may do. */
public enum Mode {
    /** Give orphaned buckets a home; never move a bucket whose owner is live and not draining. */
    MAINTAIN,
    /** Also even out the counts (max − min ≤ 1) with the fewest moves. */
    REBALANCE
}
