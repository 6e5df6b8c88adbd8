package dtable.model;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * One row: its {@code _id}, creation and modification times (epoch milliseconds, UTC) and its
 * cells, indexed by column slot. A cell is {@code null} (empty) or an immutable value of the kind
 * {@link ColumnType} describes. Kept deliberately small: a base may hold a million of these.
 *
 * <p>Not thread-safe; only the thread that owns the {@link Base} changes it. The one exception is a
 * {@link FrozenBase} reading a row on another thread: it reads optimistically and checks
 * {@link #stamp} before and after (a sequence lock), see {@link FrozenBase#read}.
 */
public final class Row {

    private static final Object[] NO_CELLS = new Object[0];
    private static final VarHandle STAMP;

    static {
        try {
            STAMP = MethodHandles.lookup().findVarHandle(Row.class, "stamp", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String id;
    private final long ctime;
    private long mtime;
    /** May be shorter than the table's slot count: missing slots are empty (new columns cost nothing). */
    private Object[] cells;
    /**
     * The base's freeze count when this row last changed ({@link Freezes}): a frozen view taken at
     * freeze {@code k} holds this row's current state only while {@code stamp < k}. Written by the
     * owner (volatile, before the change it announces), read by frozen views (volatile). An int keeps
     * a row at 40 bytes; {@link Freezes} resets the stamps long before the count could wrap.
     */
    @SuppressWarnings("unused") // accessed through STAMP
    private int stamp;

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

    /** Volatile read of {@link #stamp}. */
    int stamp() {
        return (int) STAMP.getVolatile(this);
    }

    /**
     * Announces a change: the stamp is published before any of the change's writes can be seen
     * (store-store fence), so a reader that saw any of them sees the new stamp on its re-check.
     */
    void changing(int freezeCount) {
        STAMP.setVolatile(this, freezeCount);
        VarHandle.storeStoreFence();
    }

    /**
     * Copies the cells into {@code into} (or a larger array when it is too short) without
     * synchronisation, and the number copied into {@code length[0]}; returns the array used. The
     * caller validates the copy with {@link #stamp()} afterwards.
     */
    Object[] copyCells(Object[] into, int[] length) {
        Object[] current = cells;
        int n = current.length;
        Object[] target = into.length >= n ? into : new Object[Math.max(n, into.length * 2)];
        System.arraycopy(current, 0, target, 0, n);
        length[0] = n;
        return target;
    }

    /** Owner only, while no frozen view is live ({@link Freezes#resetDue()}). */
    void resetStamp() {
        STAMP.setVolatile(this, 0);
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
