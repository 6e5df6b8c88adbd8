package dtable.model.rest;

import dtable.model.Base;
import dtable.model.Column;
import dtable.model.OperationException;
import dtable.model.Table;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns SeaTable REST bodies (SPEC §7; cells by column <em>name</em>) into raw operations (cells by
 * column <em>key</em>, table by {@code table_id}) for {@link Base#prepare}. Only translates: values
 * are validated by {@code prepare}. Throws {@link OperationException} for bodies of the wrong shape,
 * unknown tables (404) or columns (400), and batches over {@code max} (400 {@code over_limit}).
 *
 * <p>In a row body a field is a column name or, when no column has that name, a column key; fields
 * starting with {@code _} that name no column ({@code _id}, {@code _ctime}… as returned by a GET)
 * are ignored. Reads the base; same thread rules as {@link Base}.
 */
public final class RestCommands {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RestCommands() {
    }

    /** {@code {table_name|table_id, row, anchor_row_id?, row_insert_position?}} → {@code insert_row}. */
    public static ObjectNode appendRow(Base b, JsonNode body) {
        Table table = b.requireTable(object(body, "body"));
        ObjectNode op = op("insert_row", table);
        op.set("row_data", rowByKeys(table, object(body.get("row"), "row")));
        JsonNode anchor = body.get("anchor_row_id");
        if (anchor != null && !anchor.isNull()) {
            op.set("row_id", string(anchor, "anchor_row_id"));
            JsonNode position = body.get("row_insert_position");
            op.put("row_insert_position", position == null || position.isNull() ? "insert_below"
                    : string(position, "row_insert_position").stringValue());
        }
        return op;
    }

    /** {@code {table_name, row_id, row}} → {@code modify_row}. */
    public static ObjectNode updateRow(Base b, JsonNode body) {
        Table table = b.requireTable(object(body, "body"));
        ObjectNode op = op("modify_row", table);
        op.set("row_id", string(body.get("row_id"), "row_id"));
        op.set("updated", rowByKeys(table, object(body.get("row"), "row")));
        return op;
    }

    /** {@code {table_name, row_id}} → {@code delete_row}. */
    public static ObjectNode deleteRow(Base b, JsonNode body) {
        Table table = b.requireTable(object(body, "body"));
        ObjectNode op = op("delete_row", table);
        op.set("row_id", string(body.get("row_id"), "row_id"));
        return op;
    }

    /** {@code {table_name, rows:[…]}} (1..max rows) → {@code insert_rows} (appended). */
    public static ObjectNode batchAppend(Base b, JsonNode body, int max) {
        return batchOf(b, body, max, "rows", "insert_rows", "row_datas",
                (table, row) -> rowByKeys(table, object(row, "each of rows")));
    }

    /** {@code {table_name, updates:[{row_id, row}]}} (1..max, each row once) → {@code modify_rows}. */
    public static ObjectNode batchUpdate(Base b, JsonNode body, int max) {
        Table table = b.requireTable(object(body, "body"));
        ArrayNode updates = batch(body.get("updates"), "updates", max);
        ObjectNode op = op("modify_rows", table);
        ArrayNode rowIds = op.putArray("row_ids");
        ObjectNode updated = op.putObject("updated");
        for (JsonNode update : updates) {
            object(update, "each of updates");
            String rowId = string(update.get("row_id"), "row_id").stringValue();
            if (updated.has(rowId)) {
                throw invalid("row \"" + rowId + "\" is updated twice");
            }
            rowIds.add(rowId);
            updated.set(rowId, rowByKeys(table, object(update.get("row"), "row")));
        }
        return op;
    }

    /** {@code {table_name, row_ids:[…]}} (1..max) → {@code delete_rows}. */
    public static ObjectNode batchDelete(Base b, JsonNode body, int max) {
        return batchOf(b, body, max, "row_ids", "delete_rows", "row_ids",
                (table, id) -> NODES.stringNode(string(id, "row_ids").stringValue()));
    }

    /**
     * {@code {table_name, <field>:[…]}} (1..max items) → an {@code opType} operation on the table whose
     * {@code listField} holds {@code each} item as it is logged.
     */
    private static ObjectNode batchOf(Base b, JsonNode body, int max, String field, String opType, String listField,
            BiFunction<Table, JsonNode, JsonNode> each) {
        Table table = b.requireTable(object(body, "body"));
        ArrayNode items = batch(body.get(field), field, max);
        ObjectNode op = op(opType, table);
        ArrayNode list = op.putArray(listField);
        for (JsonNode item : items) {
            list.add(each.apply(table, item));
        }
        return op;
    }

    /**
     * {@code tables/}: POST {@code {table_name, columns?:[{column_name, column_type, column_data?}]}}
     * → {@code insert_table}; PUT {@code {table_name|table_id, new_table_name}} → {@code rename_table};
     * DELETE {@code {table_name|table_id}} → {@code delete_table}. Other methods: 400.
     */
    public static ObjectNode tableCommand(String httpMethod, JsonNode body) {
        object(body, "body");
        ObjectNode op = NODES.objectNode();
        switch (method(httpMethod)) {
            case "POST" -> {
                op.put("op_type", "insert_table");
                copy(body, op, "table_name", "columns");
            }
            case "PUT" -> {
                op.put("op_type", "rename_table");
                copy(body, op, "table_id", "table_name", "new_table_name");
            }
            case "DELETE" -> {
                op.put("op_type", "delete_table");
                copy(body, op, "table_id", "table_name");
            }
            default -> throw invalid("tables/ does not support " + httpMethod);
        }
        return op;
    }

    /**
     * {@code columns/}: POST {@code {table_name, column_name, column_type, column_data?}} →
     * {@code insert_column} (appended; SeaTable's {@code anchor_column} is ignored). PUT with
     * {@code op_type}: {@code rename_column {column, new_column_name}}, {@code modify_column_type
     * {column, new_column_type, new_column_data?}}, {@code set_column_data {column, data}} (a
     * {@code modify_column_type} to the same type). DELETE {@code {table_name, column}} →
     * {@code delete_column}. {@code column} is a column name or key ({@code column_name} /
     * {@code column_key} are accepted too). UI-only op types (resize, freeze, move): 400.
     */
    public static ObjectNode columnCommand(Base b, String httpMethod, JsonNode body) {
        Table table = b.requireTable(object(body, "body"));
        String method = method(httpMethod);
        if (method.equals("POST")) {
            ObjectNode op = op("insert_column", table);
            copy(body, op, "column_name", "column_type", "column_data");
            return op;
        }
        if (!method.equals("PUT") && !method.equals("DELETE")) {
            throw invalid("columns/ does not support " + httpMethod);
        }
        Column column = column(table, body);
        String opType = method.equals("DELETE") ? "delete_column" : string(body.get("op_type"), "op_type").stringValue();
        ObjectNode op = op(opType, table);
        op.put("column_key", column.key());
        switch (opType) {
            case "delete_column" -> { }
            case "rename_column" -> copy(body, op, "new_column_name");
            case "modify_column_type" -> copy(body, op, "new_column_type", "new_column_data");
            case "set_column_data" -> {
                op.put("op_type", "modify_column_type");
                op.put("new_column_type", column.type().wireName());
                op.set("new_column_data", object(body.get("data"), "data").deepCopy());
            }
            default -> throw invalid("columns/ does not support op_type \"" + opType + "\"");
        }
        return op;
    }

    // ---- helpers ----

    private static ObjectNode op(String opType, Table table) {
        ObjectNode op = NODES.objectNode();
        op.put("op_type", opType);
        op.put("table_id", table.id());
        return op;
    }

    private static ObjectNode rowByKeys(Table table, JsonNode row) {
        ObjectNode byKey = NODES.objectNode();
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, JsonNode> field : row.properties()) {
            String name = field.getKey();
            Column column = table.columnByName(name);
            if (column == null) {
                column = table.columnByKey(name);
            }
            if (column == null) {
                if (name.startsWith("_")) {
                    continue;
                }
                throw OperationException.badRequest("column_not_found",
                        "table \"" + table.name() + "\" has no column named \"" + name + "\"");
            }
            if (!seen.add(column.key())) {
                throw invalid("column \"" + column.name() + "\" is given twice");
            }
            byKey.set(column.key(), field.getValue().deepCopy());
        }
        return byKey;
    }

    private static Column column(Table table, JsonNode body) {
        for (String field : new String[] {"column", "column_name", "column_key"}) {
            JsonNode value = body.get(field);
            if (value != null && !value.isNull()) {
                String nameOrKey = string(value, field).stringValue();
                Column column = table.columnByName(nameOrKey);
                if (column == null) {
                    column = table.columnByKey(nameOrKey);
                }
                if (column == null) {
                    throw OperationException.badRequest("column_not_found",
                            "table \"" + table.name() + "\" has no column \"" + nameOrKey + "\"");
                }
                return column;
            }
        }
        throw invalid("column is required");
    }

    private static ArrayNode batch(JsonNode value, String field, int max) {
        if (value == null || !value.isArray()) {
            throw invalid(field + " must be a JSON array");
        }
        if (value.isEmpty()) {
            throw invalid(field + " must not be empty");
        }
        if (value.size() > max) {
            throw OperationException.badRequest("over_limit", field + " holds " + value.size()
                    + " items, more than the limit of " + max);
        }
        return (ArrayNode) value;
    }

    private static JsonNode object(JsonNode value, String what) {
        if (value == null || !value.isObject()) {
            throw invalid(what + " must be a JSON object");
        }
        return value;
    }

    private static JsonNode string(JsonNode value, String what) {
        if (value == null || !value.isString()) {
            throw invalid(what + " must be a string");
        }
        return value;
    }

    private static void copy(JsonNode from, ObjectNode to, String... fields) {
        for (String field : fields) {
            JsonNode value = from.get(field);
            if (value != null) {
                to.set(field, value.deepCopy());
            }
        }
    }

    private static String method(String httpMethod) {
        return httpMethod == null ? "" : httpMethod.toUpperCase(Locale.ROOT);
    }

    private static OperationException invalid(String message) {
        return OperationException.badRequest("invalid_operation", message);
    }
}
