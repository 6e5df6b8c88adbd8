package dtable.model;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns an operation (raw from a client, or recorded in the log) into a {@link PreparedChange}.
 * Every handler validates everything before it builds the mutation, so a refused operation changes
 * nothing and an accepted one cannot fail halfway.
 */
final class OperationEngine {

    private OperationEngine() {
    }

    static PreparedChange compile(Base base, JsonNode op, IdSource ids) {
        if (op == null || !op.isObject()) {
            throw OperationException.invalidOperation("an operation must be a JSON object");
        }
        String opType = OpFields.requiredString(op, "op_type");
        return switch (opType) {
            case "insert_table" -> TableOperations.insertTable(base, op, ids);
            case "rename_table" -> TableOperations.renameTable(base, op);
            case "delete_table" -> TableOperations.deleteTable(base, op);
            case "insert_column" -> ColumnOperations.insertColumn(base, op, ids);
            case "rename_column" -> ColumnOperations.renameColumn(base, op);
            case "delete_column" -> ColumnOperations.deleteColumn(base, op);
            case "modify_column_type" -> ColumnOperations.modifyColumnType(base, op, ids);
            case "modify_column_data" -> ColumnOperations.modifyColumnData(base, op, ids);
            case "insert_row" -> RowOperations.insertRow(base, op, ids);
            case "insert_rows", "append_rows" -> RowOperations.insertRows(base, op, ids);
            case "modify_row" -> RowOperations.modifyRow(base, op, ids);
            case "modify_rows" -> RowOperations.modifyRows(base, op, ids);
            case "delete_row" -> RowOperations.deleteRow(base, op);
            case "delete_rows" -> RowOperations.deleteRows(base, op);
            case "insert_view" -> ViewOperations.insertView(base, op);
            case "rename_view" -> ViewOperations.renameView(base, op);
            case "delete_view" -> ViewOperations.deleteView(base, op);
            case "modify_filters" -> ViewOperations.modifyView(base, op, opType, "filters");
            case "modify_sorts" -> ViewOperations.modifyView(base, op, opType, "sorts");
            case "modify_hidden_columns" -> ViewOperations.modifyView(base, op, opType, "hidden_columns");
            case "modify_groupbys" -> ViewOperations.modifyView(base, op, opType, "groupbys");
            case "add_link" -> LinkOperations.changeLink(base, op, true);
            case "remove_link" -> LinkOperations.changeLink(base, op, false);
            default -> throw OperationException.invalidOperation("unknown op_type \"" + opType + "\"");
        };
    }

    /** {@code {"op_type": opType, "table_id": table.id()}}, the start of most normalised operations. */
    static ObjectNode header(String opType, Table table) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("op_type", opType);
        if (table != null) {
            json.put("table_id", table.id());
        }
        return json;
    }

    /** The column a field refers to by key, or 400 {@code column_not_found}. */
    static Column requireColumnByKey(Table table, String key) {
        return found(table.columnByKey(key), table, "with key \"" + key + "\"");
    }

    /** {@code column}, or 400 {@code column_not_found} saying the table has no column {@code how}. */
    private static Column found(Column column, Table table, String how) {
        if (column == null) {
            throw OperationException.badRequest("column_not_found", "table \"" + table.name() + "\" has no column " + how);
        }
        return column;
    }

    /** The column named by {@code column_key} or, failing that, {@code column_name}; 400 when neither fits. */
    static Column requireColumn(Table table, JsonNode op) {
        String key = OpFields.optionalString(op, "column_key");
        if (key != null) {
            return requireColumnByKey(table, key);
        }
        String name = OpFields.optionalString(op, "column_name");
        if (name == null) {
            throw OperationException.invalidOperation("column_key or column_name is required");
        }
        return found(table.columnByName(name), table, "named \"" + name + "\"");
    }

    static Row requireRow(Table table, String rowId) {
        Row row = table.rowById(rowId);
        if (row == null) {
            throw OperationException.notFound("row_not_found",
                    "table \"" + table.name() + "\" has no row \"" + rowId + "\"");
        }
        return row;
    }
}
