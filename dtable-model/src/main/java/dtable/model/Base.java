package dtable.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A base (SeaTable's "dtable"): tables of columns and rows, and the version of the last operation
 * applied to it (SPEC §6). Changes happen only through operations: {@link #prepare} validates a
 * raw operation against the current state and returns the exact JSON to log; {@link #apply} then
 * carries it out; {@link #replay} carries out an operation read back from the log. Each applied
 * operation bumps {@link #version()} by exactly one.
 *
 * <p>Rows are compact objects (see {@link Row}), not JSON trees, and {@link #read} / {@link #write}
 * stream, so a million-row base loads in seconds and occupies a few hundred megabytes.
 *
 * <p><b>Not thread-safe; the caller serializes.</b> A base belongs to one thread at a time (the
 * server runs one operation lane per base); {@link #freeze()} gives another thread a frozen view to read
 * (cheap, copy-on-write) and {@link #copy()} a deep copy.
 */
public final class Base {

    /** {@code format_version} written by this model. */
    public static final int FORMAT_VERSION = 1;

    private long version;
    private int formatVersion;
    private final List<Table> tables = new ArrayList<>();
    private Links links = new Links();
    private final Freezes freezes = new Freezes();

    Base(long version, int formatVersion) {
        this.version = version;
        this.formatVersion = formatVersion;
    }

    /** Version 0, format version 1, no tables. */
    public static Base empty() {
        return new Base(0, FORMAT_VERSION);
    }

    /** Version 0 with one table "Table1" ({@code _id "0000"}) holding one text column "Name" (key {@code "0000"}). */
    public static Base withDefaultTable() {
        Base base = empty();
        Table table = new Table(IdSource.FIRST_SHORT_ID, "Table1");
        table.addColumn(new Column(IdSource.FIRST_SHORT_ID, "Name", ColumnType.TEXT, null, 0));
        base.addTable(table);
        return base;
    }

    /**
     * Parses a base JSON document, streaming. The stream must hold exactly one document (trailing
     * content is refused); it is read to its end and not closed. Unknown top-level and table fields (views, settings…) are skipped; row fields starting
     * with {@code _} other than {@code _id/_ctime/_mtime} are skipped; missing times read as the epoch.
     *
     * @throws ModelException on malformed JSON, unknown column types, duplicate ids or names, a row
     *                        field naming no column, or a cell that does not fit its column
     */
    public static Base read(InputStream json) {
        return BaseReader.read(json);
    }

    /** {@link #read} from a string. */
    public static Base fromJson(String json) {
        return read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes the whole base as UTF-8 JSON, streaming; the stream is flushed, not closed. */
    public void write(OutputStream out) {
        try (FrozenBase frozen = freeze()) {
            frozen.write(out);
        }
    }

    /**
     * A frozen view of the base as it is now, for reading on another thread while this base goes on
     * changing: costs an array copy of row references per table, never a serialisation. Rows are
     * copy-on-write: the first change to a row the view shares copies that row into the view.
     * {@link FrozenBase#close()} it when done.
     */
    public FrozenBase freeze() {
        if (freezes.resetDue()) {
            tables.forEach(Table::resetStamps);
            freezes.resetStamps();
        }
        int number = freezes.next();
        List<FrozenBase.FrozenTable> frozen = new ArrayList<>(tables.size());
        for (Table table : tables) {
            frozen.add(table.freeze());
        }
        FrozenBase view = new FrozenBase(freezes, number, version, formatVersion, List.copyOf(frozen),
                links.copy());
        freezes.register(view);
        return view;
    }

    /** Frozen views not yet closed. */
    int liveFrozenViews() {
        return freezes.liveViews();
    }

    /**
     * Writes the base as SeaTable's browser client loads it: the same document plus {@code views[]}
     * per table, {@code links}, {@code settings}, {@code scripts} and {@code statistics}.
     */
    public void writeForClient(OutputStream out) {
        try (FrozenBase frozen = freeze()) {
            frozen.writeForClient(out);
        }
    }

    /** The whole base as JSON text; columns, rows and cells in order, so equal bases give equal text. */
    public String toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The version of the last applied operation (0 for a new base). */
    public long version() {
        return version;
    }

    public int formatVersion() {
        return formatVersion;
    }

    /** Rows over all tables (what {@code base_writable_limit} and {@code worker_threads_rows_limit} compare to). */
    public int rowCount() {
        int count = 0;
        for (Table table : tables) {
            count += table.rowCount();
        }
        return count;
    }

    /** The tables in order (unmodifiable view; the tables are read-only from outside this package). */
    public List<Table> tables() {
        return Collections.unmodifiableList(tables);
    }

    public Table tableById(String tableId) {
        for (Table table : tables) {
            if (table.id().equals(tableId)) {
                return table;
            }
        }
        return null;
    }

    public Table tableByName(String tableName) {
        for (Table table : tables) {
            if (table.name().equals(tableName)) {
                return table;
            }
        }
        return null;
    }

    /**
     * The table a request names by {@code table_id} or, when that is absent, {@code table_name}.
     *
     * @throws OperationException 400 {@code invalid_operation} when neither is given, 404
     *                            {@code table_not_found} when no table matches
     */
    public Table requireTable(JsonNode request) {
        String tableId = OpFields.optionalString(request, "table_id");
        if (tableId != null) {
            Table table = tableById(tableId);
            if (table == null) {
                throw OperationException.notFound("table_not_found", "no table with _id \"" + tableId + "\"");
            }
            return table;
        }
        String tableName = OpFields.optionalString(request, "table_name");
        if (tableName == null) {
            throw OperationException.invalidOperation("table_id or table_name is required");
        }
        Table table = tableByName(tableName);
        if (table == null) {
            throw OperationException.notFound("table_not_found", "no table named \"" + tableName + "\"");
        }
        return table;
    }

    /** A deep copy with the same version; shares only immutable values. */
    public Base copy() {
        Base copy = new Base(version, formatVersion);
        for (Table table : tables) {
            copy.addTable(table.copy());
        }
        copy.links = links.copy();
        return copy;
    }

    /**
     * Validates and normalises a raw operation against the current state WITHOUT changing it. The
     * returned operation holds the exact JSON to log and broadcast: the table by {@code table_id},
     * cells by column key (select cells by option id), and every id and time chosen here.
     *
     * @throws OperationException (400 or 404) on bad input; nothing changes
     */
    public Operation prepare(JsonNode rawOperation, OperationContext context) {
        Objects.requireNonNull(context, "context");
        PreparedChange change = OperationEngine.compile(this, rawOperation, IdSource.minting(context));
        return new Operation(change.opType(), change.json());
    }

    /**
     * Applies an operation {@link #prepare}d against the current state (same version, nothing applied
     * in between) and bumps the version by one. Such an operation always applies.
     *
     * @throws IllegalStateException when the operation does not fit the current state (it was prepared
     *                               against another version or modified); nothing changes
     */
    public void apply(Operation operation) {
        PreparedChange change;
        try {
            change = OperationEngine.compile(this, operation.json(), IdSource.recorded());
        } catch (OperationException e) {
            throw new IllegalStateException("operation does not fit base version " + version + ": "
                    + e.getMessage(), e);
        }
        commit(change);
    }

    /**
     * Re-applies an operation read back from {@code operation_log} (the JSON {@link #prepare} produced)
     * and bumps the version by one. Deterministic: the same log gives the same base.
     *
     * @throws ModelException when the logged operation does not fit the current state; nothing changes
     */
    public void replay(JsonNode loggedOperation) {
        PreparedChange change;
        try {
            change = OperationEngine.compile(this, loggedOperation, IdSource.recorded());
        } catch (OperationException e) {
            throw new ModelException("logged operation cannot be replayed on base version " + version + ": "
                    + e.getMessage(), e);
        }
        commit(change);
    }

    private void commit(PreparedChange change) {
        change.mutation().run();
        version++;
    }

    // ---- engine and loader access ----

    void addTable(Table table) {
        table.attach(freezes);
        tables.add(table);
    }

    void removeTable(Table table) {
        tables.remove(table);
        links.removeTable(table.id());
    }

    /** The base's {@code links[]} (the engine changes them; {@link #freeze()} copies them). */
    Links links() {
        return links;
    }

    void setLinks(Links links) {
        this.links = links;
    }

    /**
     * Whether the base has link {@code linkId} between {@code table1Id} and {@code table2Id} (in this
     * order) and both rows exist: then {@code linked} tells whether the two rows are linked.
     */
    public boolean hasLinkBetween(String linkId, String table1Id, String table2Id, String table1RowId,
            String table2RowId) {
        Links.Link link = links.get(linkId);
        Table table1 = tableById(table1Id);
        Table table2 = tableById(table2Id);
        return link != null && link.table1Id.equals(table1Id) && link.table2Id.equals(table2Id)
                && table1 != null && table2 != null && table1.rowById(table1RowId) != null
                && table2.rowById(table2RowId) != null;
    }

    /** Whether link {@code linkId} links these two rows (false when there is no such link). */
    public boolean linked(String linkId, String table1RowId, String table2RowId) {
        Links.Link link = links.get(linkId);
        return link != null && link.linked(table1RowId, table2RowId);
    }

    /** The links as SeaTable's {@code links[]} JSON (a fresh tree). */
    public JsonNode linksJson() {
        return links.toJson();
    }

    @Override
    public String toString() {
        return "Base[version " + version + ", " + tables.size() + " tables, " + rowCount() + " rows]";
    }
}
