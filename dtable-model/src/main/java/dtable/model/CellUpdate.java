package dtable.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validated cell values for one row ({@code row_data} or {@code updated}): which column gets which
 * stored value ({@code null} clears), plus the normalised JSON keyed by column key.
 */
final class CellUpdate {

    private final List<Column> columns = new ArrayList<>();
    private final List<Object> values = new ArrayList<>();
    private final ObjectNode json = JsonNodeFactory.instance.objectNode();
    private long mtime;

    private CellUpdate() {
    }

    /** The cells of an {@code updated} object, with the row's new {@code _mtime}. */
    static CellUpdate of(Table table, ObjectNode updated, IdSource ids) {
        CellUpdate update = cellsOf(table, updated);
        update.mtime = ids.time(updated.get("_mtime"), "_mtime");
        update.json.put("_mtime", Timestamps.format(update.mtime));
        return update;
    }

    /** The cells of a {@code row_data} / {@code updated} object; fields starting with {@code _} that name no column are skipped. */
    static CellUpdate cellsOf(Table table, ObjectNode fields) {
        CellUpdate update = new CellUpdate();
        Set<Column> seen = new HashSet<>();
        for (Map.Entry<String, JsonNode> field : fields.properties()) {
            String name = field.getKey();
            if (name.equals("_id") || name.equals("_ctime") || name.equals("_mtime")) {
                continue;
            }
            Column column = table.columnByKeyOrName(name);
            if (column == null) {
                if (name.startsWith("_")) {
                    continue;
                }
                throw OperationException.badRequest("column_not_found",
                        "table \"" + table.name() + "\" has no column \"" + name + "\"");
            }
            if (!seen.add(column)) {
                throw OperationException.invalidOperation("column \"" + column.name() + "\" is given twice");
            }
            Object value = storedValue(column, field.getValue());
            update.columns.add(column);
            update.values.add(value);
            update.json.set(column.key(), CellValues.toJson(value));
        }
        return update;
    }

    /** The stored form of a JSON cell value, or 400 {@code invalid_value}. */
    static Object storedValue(Column column, JsonNode value) {
        try {
            return CellValues.normalize(column, CellValues.plain(value));
        } catch (CellValues.InvalidCell e) {
            String message = e.getMessage().startsWith("column ") ? e.getMessage()
                    : "column \"" + column.name() + "\": " + e.getMessage();
            throw OperationException.badRequest("invalid_value", message);
        }
    }

    ObjectNode json() {
        return json;
    }

    /** Writes the non-empty cells into a new row and its {@code row_data} JSON (empty cells are not logged). */
    void writeTo(Row row, ObjectNode rowJson) {
        for (int i = 0; i < columns.size(); i++) {
            if (values.get(i) != null) {
                row.set(columns.get(i).slot(), values.get(i));
                rowJson.set(columns.get(i).key(), json.get(columns.get(i).key()));
            }
        }
    }

    /** Applies the update to an existing row and stamps its {@code _mtime}. */
    void applyTo(Table table, Row row) {
        table.beforeChange(row);
        for (int i = 0; i < columns.size(); i++) {
            row.set(columns.get(i).slot(), values.get(i));
        }
        row.touch(mtime);
    }
}
