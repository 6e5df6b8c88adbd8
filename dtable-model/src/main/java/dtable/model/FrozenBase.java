package dtable.model;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.node.ObjectNode;

/**
 * A base frozen at one version: what {@link Base#freeze()} captured, readable on any thread while the
 * owner goes on changing the base. Taking one costs an array copy of row references per table
 * (milliseconds at a million rows); rows are shared copy-on-write (see {@link Freezes}): a row the
 * owner changes after the freeze is first copied into this view. Used to write snapshots and to
 * render the whole base outside the base's lane (STYLE: never serialise under the lane).
 *
 * <p>Thread rules: created on the owner's thread; afterwards {@link #write}, {@link #writeForClient},
 * {@link #toJson} may run on one or more other threads. {@link #close()} when done: until then every
 * first change of a shared row costs the owner a row copy.
 */
public final class FrozenBase implements AutoCloseable {

    /** A table as frozen: its rows array is a private copy of the live table's row references. */
    record FrozenTable(String id, String name, List<Column> columns, List<ObjectNode> views, Object[] rows) {
    }

    private final Freezes freezes;
    private final int number;
    private final long version;
    private final int formatVersion;
    private final int rowCount;
    private final List<FrozenTable> tables;
    /** The base's links at the freeze: a private deep copy (links are small next to rows). */
    private final Links links;
    /** Rows the owner changed after this freeze, as they were at the freeze (identity keys: Row has no equals). */
    private final Map<Row, Row> kept = new ConcurrentHashMap<>();
    private volatile boolean closed;

    FrozenBase(Freezes freezes, int number, long version, int formatVersion, List<FrozenTable> tables, Links links) {
        this.freezes = freezes;
        this.links = links;
        this.number = number;
        this.version = version;
        this.formatVersion = formatVersion;
        this.tables = tables;
        int rows = 0;
        for (FrozenTable table : tables) {
            rows += table.rows().length;
        }
        this.rowCount = rows;
    }

    /** The version of the last operation this view contains. */
    public long version() {
        return version;
    }

    public int formatVersion() {
        return formatVersion;
    }

    /** Rows over all tables. */
    public int rowCount() {
        return rowCount;
    }

    List<FrozenTable> tables() {
        return tables;
    }

    Links links() {
        return links;
    }

    int freezeNumber() {
        return number;
    }

    /** Rows the owner has changed since the freeze (each cost one copy). */
    public int rowsCopied() {
        return kept.size();
    }

    /** Writes the base as it was at {@link #version()}, exactly as {@link Base#write} would have then. */
    public void write(OutputStream out) {
        BaseWriter.write(this, out, false);
    }

    /** {@link Base#writeForClient} of the frozen state. */
    public void writeForClient(OutputStream out) {
        BaseWriter.write(this, out, true);
    }

    public String toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Stops the copy-on-write for this view. Idempotent; the view must not be read afterwards. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            freezes.closed(this);
        }
    }

    /** Owner only, before it changes {@code row} for the first time since this freeze. */
    void keep(Row row) {
        if (!closed) {
            kept.putIfAbsent(row, row.copy());
        }
    }

    /**
     * Reads a row as it was at the freeze into {@code into}. Optimistic: copies the live row, then
     * re-checks its stamp; a row changed meanwhile (or before) was handed to {@link #kept} by the
     * owner before its stamp moved, so the kept copy is always there when the stamp says so. Rows
     * not changed since the freeze (nearly all) cost no map lookup.
     */
    void read(Row row, RowState into) {
        if (row.stamp() < number) {
            long mtime = row.mtime();
            into.cells = row.copyCells(into.cells, into.length);
            VarHandle.loadLoadFence();
            if (row.stamp() < number) {
                into.set(row, mtime);
                return;
            }
        }
        Row original = kept.get(row);
        if (original == null) {
            throw new IllegalStateException("row " + row.id() + " changed after freeze " + number
                    + " but no copy was kept");
        }
        into.cells = original.copyCells(into.cells, into.length);
        into.set(original, original.mtime());
    }

    /** A reusable buffer for one row read by {@link #read}; one per writing thread. */
    static final class RowState {
        String id;
        long ctime;
        long mtime;
        Object[] cells = new Object[16];
        final int[] length = new int[1];

        void set(Row row, long rowMtime) {
            id = row.id();
            ctime = row.ctime();
            mtime = rowMtime;
        }

        Object cell(int slot) {
            return slot < length[0] ? cells[slot] : null;
        }
    }

    @Override
    public String toString() {
        return "FrozenBase[version " + version + ", freeze " + number + ", " + rowCount + " rows]";
    }
}
