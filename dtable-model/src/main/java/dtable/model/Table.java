package dtable.model;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A table: id, name, ordered columns and ordered rows. Rows live in an {@link ArrayList} (display
 * order; insert below/above an anchor and delete cost one array shift, a few milliseconds at a
 * million rows) plus a {@link HashMap} from {@code _id} to row for lookups.
 *
 * <p>Public methods only read. Mutators are package-private and called by the operation engine
 * after validation; they assume their arguments are valid. Not thread-safe: the owner of the
 * {@link Base} serializes all access.
 */
public final class Table {

    private final String id;
    private String name;
    private final List<Column> columns = new ArrayList<>();
    private final Map<String, Column> columnsByKey = new HashMap<>();
    private final Map<String, Column> columnsByName = new HashMap<>();
    /** Slots in use by a column; a freed slot is reused only after its cells were cleared. */
    private final BitSet usedSlots = new BitSet();
    /** SeaTable's views as its client keeps them (opaque JSON, each with a string {@code _id}); empty = the default view only. */
    private final List<ObjectNode> views = new ArrayList<>();
    private final ArrayList<Row> rows;
    private final HashMap<String, Row> rowsById;
    /** The copy-on-write bookkeeping of the base this table belongs to (set by {@link Base#addTable}). */
    private Freezes freezes = new Freezes();

    Table(String id, String name) {
        this(id, name, 16);
    }

    Table(String id, String name, int expectedRows) {
        this.id = id;
        this.name = name;
        this.rows = new ArrayList<>(expectedRows);
        this.rowsById = HashMap.newHashMap(expectedRows);
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    /**
     * The table's views in order (unmodifiable; the nodes must not be changed), or empty when the table
     * has only SeaTable's default view ({@link ClientOperations#defaultViews()}).
     */
    public List<ObjectNode> views() {
        return Collections.unmodifiableList(views);
    }

    /** The columns in display order (unmodifiable view). */
    public List<Column> columns() {
        return Collections.unmodifiableList(columns);
    }

    public Column columnByKey(String key) {
        return columnsByKey.get(key);
    }

    public Column columnByName(String columnName) {
        return columnsByName.get(columnName);
    }

    /**
     * The column a raw operation's cell field refers to: a column key first, else a column name
     * (names are unique within a table, so the rule is never ambiguous). {@code null} if neither.
     */
    public Column columnByKeyOrName(String keyOrName) {
        Column column = columnsByKey.get(keyOrName);
        return column != null ? column : columnsByName.get(keyOrName);
    }

    public int rowCount() {
        return rows.size();
    }

    /** The row at display position {@code index} (0-based). */
    public Row row(int index) {
        return rows.get(index);
    }

    /** The row with this {@code _id}, or {@code null}. */
    public Row rowById(String rowId) {
        return rowsById.get(rowId);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) in display order; an unmodifiable view, valid until the next change. */
    public List<Row> rows(int from, int to) {
        return Collections.unmodifiableList(rows.subList(from, to));
    }

    /**
     * A row as REST readers see it: {@code {"_id","_ctime","_mtime", column name: value…}}, empty
     * cells left out, select options by name (SeaTable's API answers names, not option ids).
     */
    public ObjectNode rowJsonByName(Row row) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("_id", row.id());
        json.put("_ctime", Timestamps.format(row.ctime()));
        json.put("_mtime", Timestamps.format(row.mtime()));
        for (Column column : columns) {
            Object cell = row.cell(column);
            if (cell != null) {
                json.set(column.name(), CellValues.toDisplayJson(column, cell));
            }
        }
        return json;
    }

    // ---- mutators (engine only) ----

    void attach(Freezes baseFreezes) {
        this.freezes = baseFreezes;
    }

    /** Must precede every change to a row already in this table (frozen views keep what they saw). */
    void beforeChange(Row row) {
        freezes.beforeChange(row);
    }

    /** Sets one cell of a row of this table. */
    void setCell(Row row, int slot, Object value) {
        freezes.beforeChange(row);
        row.set(slot, value);
    }

    /** The table as it is now, for a {@link FrozenBase}: copies the row references, not the rows. */
    FrozenBase.FrozenTable freeze() {
        List<ObjectNode> frozenViews = new ArrayList<>(views.size());
        views.forEach(view -> frozenViews.add(view.deepCopy()));
        return new FrozenBase.FrozenTable(id, name, List.copyOf(columns), frozenViews, rows.toArray());
    }

    /** Owner only, no view live: see {@link Freezes#RESET_AT}. */
    void resetStamps() {
        for (Row row : rows) {
            row.resetStamp();
        }
    }

    /** Replaces the views (given nodes are owned by the table from now on). */
    void setViews(List<ObjectNode> newViews) {
        views.clear();
        views.addAll(newViews);
    }

    void rename(String newName) {
        this.name = newName;
    }

    /** One past the highest slot in use: the cell array length a new row needs. */
    int slotCount() {
        return usedSlots.length();
    }

    /** The lowest slot no column uses. */
    int freeSlot() {
        return usedSlots.nextClearBit(0);
    }

    void addColumn(Column column) {
        columns.add(column);
        columnsByKey.put(column.key(), column);
        columnsByName.put(column.name(), column);
        usedSlots.set(column.slot());
    }

    /** Puts {@code column} at display position {@code index} (0 = first). */
    void insertColumn(int index, Column column) {
        columns.add(index, column);
        columnsByKey.put(column.key(), column);
        columnsByName.put(column.name(), column);
        usedSlots.set(column.slot());
    }

    /** Display position of a column of this table. */
    int columnIndex(Column column) {
        return columns.indexOf(column);
    }

    /** Replaces the column with the same key (rename or retype), keeping its position. */
    void replaceColumn(Column column) {
        Column old = columnsByKey.get(column.key());
        columns.set(columns.indexOf(old), column);
        columnsByName.remove(old.name());
        columnsByName.put(column.name(), column);
        columnsByKey.put(column.key(), column);
    }

    /** Removes the column and clears its cells in every row, so the slot can be reused. */
    void removeColumn(Column column) {
        columns.remove(column);
        columnsByKey.remove(column.key());
        columnsByName.remove(column.name());
        int slot = column.slot();
        for (Row row : rows) {
            if (row.cell(slot) != null) {
                setCell(row, slot, null);
            }
        }
        usedSlots.clear(slot);
    }

    /** Display position of a row of this table. O(n), fine next to the array shift that follows. */
    int indexOf(Row row) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i) == row) {
                return i;
            }
        }
        throw new IllegalStateException("row " + row.id() + " is not in table " + id);
    }

    void appendRow(Row row) {
        freezes.added(row);
        rows.add(row);
        rowsById.put(row.id(), row);
    }

    /** Appends a row unless one with its {@code _id} is present (the loader: one hash lookup per row). */
    boolean appendRowIfNew(Row row) {
        if (rowsById.putIfAbsent(row.id(), row) != null) {
            return false;
        }
        freezes.added(row);
        rows.add(row);
        return true;
    }

    void insertRows(int index, List<Row> newRows) {
        rows.addAll(index, newRows);
        for (Row row : newRows) {
            freezes.added(row);
            rowsById.put(row.id(), row);
        }
    }

    void removeRows(Collection<Row> doomed) {
        if (doomed.size() == 1) {
            Row row = doomed.iterator().next();
            rows.remove(indexOf(row));
            rowsById.remove(row.id());
            return;
        }
        Set<Row> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(doomed);
        rows.removeIf(set::contains);
        for (Row row : doomed) {
            rowsById.remove(row.id());
        }
    }

    /** A deep copy: new rows (sharing immutable cell values) and the same immutable columns. */
    Table copy() {
        Table copy = new Table(id, name, rows.size());
        columns.forEach(copy::addColumn);
        views.forEach(view -> copy.views.add(view.deepCopy()));
        for (Row row : rows) {
            copy.appendRow(row.copy());
        }
        return copy;
    }

    @Override
    public String toString() {
        return "Table[" + id + " \"" + name + "\", " + columns.size() + " columns, " + rows.size() + " rows]";
    }
}
