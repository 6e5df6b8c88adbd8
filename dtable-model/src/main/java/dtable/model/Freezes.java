package dtable.model;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The copy-on-write bookkeeping of one base's frozen views ({@link FrozenBase}). A view taken at
 * freeze {@code k} shares the live rows; before the owner changes a row that a live view still
 * shares (its {@link Row#stamp} is below the view's freeze number), the row's current state is
 * handed to that view ({@link FrozenBase#keep}) and only then is the row changed.
 *
 * <p>Thread rules: {@link #next}, {@link #register}, {@link #beforeChange} and {@link #resetStamps} run on the base's
 * owner (its lane). {@link #live} is also changed by {@link FrozenBase#close()} from any thread,
 * hence the concurrent list; a view that closes while the owner hands it a row just drops the row.
 */
final class Freezes {

    /** Row stamps are reset (when no view is live) long before an int could wrap. */
    static final int RESET_AT = 1 << 30;

    /** Freezes taken (owner only). The next view gets {@code count + 1}. */
    private int count;
    private final List<FrozenBase> live = new CopyOnWriteArrayList<>();

    /** The number of a new view: rows changed from now on are stamped with it. Owner only. */
    int next() {
        return ++count;
    }

    /** A new view is live until it closes. Owner only, before any further change. */
    void register(FrozenBase view) {
        live.add(view);
    }

    /** Whether the stamps should be reset before the next freeze (owner only). */
    boolean resetDue() {
        return count >= RESET_AT && live.isEmpty();
    }

    /** Called after every row's stamp was set to 0 (owner only, no view live). */
    void resetStamps() {
        count = 0;
    }

    /** Must be called by the owner before any change to a row that is already in a table. */
    void beforeChange(Row row) {
        int stamp = row.stamp();
        if (stamp == count) {
            return; // already changed since the latest freeze: every live view holds its own copy
        }
        for (FrozenBase view : live) {
            if (stamp < view.freezeNumber()) {
                view.keep(row);
            }
        }
        row.changing(count);
    }

    /** A row entering a table after the latest freeze is in no live view: no copy is ever needed. Owner only. */
    void added(Row row) {
        if (count != 0) {
            row.changing(count);
        }
    }

    void closed(FrozenBase view) {
        live.remove(view);
    }

    /** Views not yet closed (for tests and diagnostics). */
    int liveViews() {
        return live.size();
    }
}
