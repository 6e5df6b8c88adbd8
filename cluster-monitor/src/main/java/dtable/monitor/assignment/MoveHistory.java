package dtable.monitor.assignment;

import dtable.core.assign.Move;
import dtable.core.assign.MoveReason;
import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The last {@code capacity} bucket moves, newest last. The leader records its own decisions (with the
 * assigner's reason and the trigger); a follower records the moves it observes in the watch, with the
 * reason inferred the way the assigner would classify them, so the view is useful from any monitor.
 *
 * <p>Thread-safe (guarded by {@code this}).
 */
public final class MoveHistory {

    private final int capacity;
    private final Deque<MoveRecord> moves = new ArrayDeque<>();
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public MoveHistory(int capacity) {
        this.capacity = capacity;
    }

    /** Called (on the recording thread, outside the lock) after moves were recorded. */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    public void recordDecision(Collection<Move> decided, Instant at, String trigger, long revision) {
        synchronized (this) {
            for (Move move : decided) {
                add(new MoveRecord(move.bucket().hex(), move.from(), move.to(), json(move.reason()), at.toString(),
                        trigger, revision));
            }
        }
        listeners.forEach(Runnable::run);
    }

    /** Records the owner changes between two consecutive watch snapshots. */
    public void recordObserved(BucketMap before, BucketMap after, Instant at) {
        boolean any = false;
        synchronized (this) {
            for (Bucket bucket : Bucket.all()) {
                String from = before.owner(bucket);
                String to = after.owner(bucket);
                if (to != null && !Objects.equals(from, to)) {
                    add(new MoveRecord(bucket.hex(), from, to, json(inferReason(before, from)), at.toString(),
                            "observed", after.revision()));
                    any = true;
                }
            }
        }
        if (any) {
            listeners.forEach(Runnable::run);
        }
    }

    /** Newest first, at most {@code limit}. */
    public synchronized List<MoveRecord> latest(int limit) {
        List<MoveRecord> list = new ArrayList<>(Math.min(limit, moves.size()));
        var it = moves.descendingIterator();
        while (it.hasNext() && list.size() < limit) {
            list.add(it.next());
        }
        return list;
    }

    private void add(MoveRecord record) {
        moves.addLast(record);
        while (moves.size() > capacity) {
            moves.removeFirst();
        }
    }

    private static MoveReason inferReason(BucketMap before, String from) {
        if (from == null) {
            return MoveReason.UNASSIGNED;
        }
        if (!before.nodes().containsKey(from)) {
            return MoveReason.OWNER_DEAD;
        }
        return before.draining().contains(from) ? MoveReason.OWNER_DRAINING : MoveReason.REBALANCE;
    }

    private static String json(MoveReason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }
}
