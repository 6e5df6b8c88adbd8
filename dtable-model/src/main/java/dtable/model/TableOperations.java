package dtable.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code insert_table}, {@code rename_table}, {@code delete_table}. Table names are unique in a
 * base (exact, case-sensitive comparison); a duplicate is 400 {@code duplicate_name}.
 */
final class TableOperations {

    private TableOperations() {
    }

    /**
     * {@code {table_name, table_id?, columns?: [{column_name, column_type, column_data?, column_key?}]}}.
     * Without columns the table gets one text column "Name" (as SeaTable). The first table of a base
     * gets id {@code "0000"}, the first column key {@code "0000"}; later ones are random.
     * Logged as {@code {op_type, table_id, table_name, columns:[{column_key, column_name, column_type, column_data}]}}.
     */
    static PreparedChange insertTable(Base base, JsonNode op, IdSource ids) {
        String name = OpFields.name(op, "table_name");
        requireFreeName(base, name, null);
        String tableId = ids.shortId(op.get("table_id"), id -> base.tableById(id) != null,
                base.tables().isEmpty(), "table_id");
        List<Column> columns = columnsOf(op, ids);
        ObjectNode json = OperationEngine.header("insert_table", null);
        json.put("table_id", tableId);
        json.put("table_name", name);
        ArrayNode columnsJson = json.putArray("columns");
        for (Column column : columns) {
            ObjectNode c = columnsJson.addObject();
            c.put("column_key", column.key());
            c.put("column_name", column.name());
            c.put("column_type", column.type().wireName());
            c.set("column_data", column.data() == null ? JsonNodeFactory.instance.nullNode() : column.data().deepCopy());
        }
        return new PreparedChange(json, () -> {
            Table table = new Table(tableId, name);
            columns.forEach(table::addColumn);
            base.addTable(table);
        });
    }

    private static List<Column> columnsOf(JsonNode op, IdSource ids) {
        List<Column> columns = new ArrayList<>();
        JsonNode specs = op.get("columns");
        if (specs == null || specs.isNull() || (specs.isArray() && specs.isEmpty() && ids.mints())) {
            if (!ids.mints()) {
                throw OperationException.invalidOperation("logged operation lacks columns");
            }
            columns.add(new Column(IdSource.FIRST_SHORT_ID, "Name", ColumnType.TEXT, null, 0));
            return columns;
        }
        if (!specs.isArray()) {
            throw OperationException.invalidOperation("columns must be a JSON array");
        }
        Set<String> names = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (JsonNode spec : specs) {
            if (!spec.isObject()) {
                throw OperationException.invalidOperation("each column must be a JSON object");
            }
            String columnName = OpFields.name(spec, "column_name");
            if (!names.add(columnName)) {
                throw OperationException.badRequest("duplicate_name", "two columns are named \"" + columnName + "\"");
            }
            ColumnType type = OpFields.columnType(spec, "column_type");
            ObjectNode data = ColumnData.normalize(type, spec.get("column_data"), ids);
            String key = ids.shortId(spec.get("column_key"), keys::contains, keys.isEmpty(), "column_key");
            keys.add(key);
            columns.add(new Column(key, columnName, type, data, columns.size()));
        }
        return columns;
    }

    /** {@code {table_id|table_name, new_table_name}}; logged as {@code {op_type, table_id, new_table_name}}. */
    static PreparedChange renameTable(Base base, JsonNode op) {
        Table table = base.requireTable(op);
        String newName = OpFields.name(op, "new_table_name");
        requireFreeName(base, newName, table);
        ObjectNode json = OperationEngine.header("rename_table", table);
        json.put("new_table_name", newName);
        return new PreparedChange(json, () -> table.rename(newName));
    }

    /** {@code {table_id|table_name}}; logged as {@code {op_type, table_id}}. */
    static PreparedChange deleteTable(Base base, JsonNode op) {
        Table table = base.requireTable(op);
        return new PreparedChange(OperationEngine.header("delete_table", table), () -> base.removeTable(table));
    }

    private static void requireFreeName(Base base, String name, Table except) {
        Table holder = base.tableByName(name);
        if (holder != null && holder != except) {
            throw OperationException.badRequest("duplicate_name", "a table named \"" + name + "\" exists");
        }
    }
}
