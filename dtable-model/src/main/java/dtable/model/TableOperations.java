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
        if (op.path("table_data").isObject()) {
            return insertClientTable(base, (ObjectNode) op.get("table_data"), ids);
        }
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
            columns.add(newColumn(spec, ColumnFields.OPERATION, names, keys, columns.size(), ids));
        }
        return columns;
    }

    /** The field names of a new table's column spec: an operation's, or SeaTable's client's. */
    private record ColumnFields(String name, String type, String data, String key) {
        static final ColumnFields OPERATION = new ColumnFields("column_name", "column_type", "column_data", "column_key");
        static final ColumnFields CLIENT = new ColumnFields("name", "type", "data", "key");
    }

    /** One column of a new table at {@code position}, checked against the {@code names} and {@code keys} before it. */
    private static Column newColumn(JsonNode spec, ColumnFields fields, Set<String> names, Set<String> keys,
            int position, IdSource ids) {
        if (!spec.isObject()) {
            throw OperationException.invalidOperation("each column must be a JSON object");
        }
        String columnName = OpFields.name(spec, fields.name());
        if (!names.add(columnName)) {
            throw OperationException.badRequest("duplicate_name", "two columns are named \"" + columnName + "\"");
        }
        ColumnType type = OpFields.columnType(spec, fields.type());
        if (type == ColumnType.LINK) {
            throw OperationException.invalidOperation("a new table cannot have link columns: add them with insert_column");
        }
        ObjectNode data = ColumnData.normalize(type, spec.get(fields.data()), ids);
        String key = ids.shortId(spec.get(fields.key()), keys::contains, keys.isEmpty(), fields.key());
        keys.add(key);
        return new Column(key, columnName, type, data, position);
    }

    /**
     * SeaTable's client's shape: {@code {table_data: {_id, name, columns: [{key, name, type, data,
     * ...}], rows: [], views, view_structure, ...}}}. Logged in the same shape with the normalised
     * id, name and columns, {@code rows: []}, and SeaTable's default view when it has none; fields the
     * base document does not keep (views, header settings) are logged and broadcast as given.
     */
    private static PreparedChange insertClientTable(Base base, ObjectNode tableData, IdSource ids) {
        String name = OpFields.name(tableData, "name");
        requireFreeName(base, name, null);
        String tableId = ids.shortId(tableData.get("_id"), id -> base.tableById(id) != null,
                base.tables().isEmpty(), "table_data._id");
        JsonNode rows = tableData.get("rows");
        if (rows != null && !rows.isNull() && !(rows.isArray() && rows.isEmpty())) {
            throw OperationException.invalidOperation("table_data.rows must be empty");
        }
        ArrayNode specs = OpFields.requiredArray(tableData, "columns");
        List<Column> columns = new ArrayList<>();
        ObjectNode logged = tableData.deepCopy();
        ArrayNode columnsJson = logged.putArray("columns");
        Set<String> names = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (JsonNode spec : specs) {
            Column column = newColumn(spec, ColumnFields.CLIENT, names, keys, columns.size(), ids);
            columns.add(column);
            ObjectNode c = ((ObjectNode) spec).deepCopy();
            c.put("key", column.key()).put("name", column.name()).put("type", column.type().wireName());
            c.set("data", column.data() == null ? JsonNodeFactory.instance.nullNode() : column.data().deepCopy());
            columnsJson.add(c);
        }
        if (columns.isEmpty()) {
            throw OperationException.invalidOperation("table_data.columns must not be empty");
        }
        logged.put("_id", tableId);
        logged.put("name", name);
        logged.putArray("rows");
        if (!logged.path("views").isArray() || logged.path("views").isEmpty()) {
            logged.set("views", ClientOperations.defaultViews());
        }
        ObjectNode json = OperationEngine.header("insert_table", null);
        json.set("table_data", logged);
        return new PreparedChange(json, () -> {
            Table table = new Table(tableId, name);
            columns.forEach(table::addColumn);
            base.addTable(table);
        });
    }

    /**
     * {@code {table_id|table_name, new_table_name}}, logged as {@code {op_type, table_id, new_table_name}};
     * or SeaTable's client's {@code {table_id, table_name: <the new name>}}, logged as given.
     */
    static PreparedChange renameTable(Base base, JsonNode op) {
        boolean client = !OpFields.present(op, "new_table_name") && OpFields.present(op, "table_id");
        Table table = client ? base.tableById(OpFields.requiredString(op, "table_id")) : base.requireTable(op);
        if (table == null) {
            throw OperationException.notFound("table_not_found", "no table with _id \"" + op.get("table_id").asString() + "\"");
        }
        String newName = OpFields.name(op, client ? "table_name" : "new_table_name");
        requireFreeName(base, newName, table);
        ObjectNode json = OperationEngine.header("rename_table", table);
        json.put(client ? "table_name" : "new_table_name", newName);
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
