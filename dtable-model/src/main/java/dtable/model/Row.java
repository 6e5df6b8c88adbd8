package dtable.model;

import java.util.Arrays;

/**
 * One row: its {@code _id}, creation and modification times (epoch milliseconds, UTC) and its
 * cells, indexed by column slot. A cell is {@code null} (empty) or an immutable value of the kind
 * {@link ColumnType} describes. Kept deliberately small: a base may hold a million of these.
 *
 * <p>Not thread-safe; only the thread that owns the {@link Base} touches it.
 */
public final class Row {

    private static final Object[] NO_CELLS = new Object[0];

    private final String id;
    private final long ctime;
    private long mtime;
    /** May be shorter than the table's slot count: missing slots are empty (new columns cost nothing). */
    private Object[] cells;

    Row(String id, long ctime, long mtime, Object[] cells) {
        this.id = id;
        this.ctime = ctime;
        this.mtime = mtime;
        this.cells = cells == null ? NO_CELLS : cells;
    }

    public String id() {
        return id;
    }

    /** {@code _ctime} in epoch milliseconds. */
    public long ctime() {
        return ctime;
    }

    /** {@code _mtime} in epoch milliseconds. */
    public long mtime() {
        return mtime;
    }

    /** The cell of {@code column} (a column of this row's table), or {@code null}. Do not modify arrays. */
    public Object cell(Column column) {
        return cell(column.slot());
    }

    Object cell(int slot) {
        return slot < cells.length ? cells[slot] : null;
    }

    void set(int slot, Object value) {
        if (slot >= cells.length) {
            if (value == null) {
                return;
            }
            cells = Arrays.copyOf(cells, slot + 1);
        }
        cells[slot] = value;
    }

    void touch(long newMtime) {
        this.mtime = newMtime;
    }

    /** A copy that shares the (immutable) cell values. */
    Row copy() {
        return new Row(id, ctime, mtime, cells.length == 0 ? NO_CELLS : cells.clone());
    }

    @Override
    public String toString() {
        return "Row[" + id + "]";
    }
}
