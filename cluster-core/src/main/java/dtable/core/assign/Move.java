package dtable.core.assign;

import dtable.core.bucket.Bucket;

/**
 * One bucket changing owner.
 *
 * @param bucket the bucket
 * @param from   the previous owner, or {@code null} when the bucket was unassigned
 * @param to     the new owner, always an eligible (live, non-draining) node
 * @param reason why it moved
 */
public record Move(Bucket bucket, String from, String to, MoveReason reason) {

    public Move {
        if (bucket == null || to == null || reason == null) {
            throw new IllegalArgumentException("move needs a bucket, a target node and a reason");
        }
        if ((from == null) != (reason == MoveReason.UNASSIGNED)) {
            throw new IllegalArgumentException("a move has no previous owner exactly when its reason is UNASSIGNED");
        }
    }
}
