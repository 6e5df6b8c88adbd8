package dtable.model.rest;

import dtable.model.Base;
import dtable.model.Column;
import dtable.model.OperationException;
import dtable.model.Row;
import dtable.model.Table;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The read side of SeaTable's REST API (SPEC §7): metadata and rows keyed by column <em>name</em>,
 * select cells by option name, times as ISO-8601 UTC text. Limits ({@code rows_api_max_limit}) are
 * the caller's. Reads the base; the caller holds it (same thread rules as {@link Base}).
 */
public final class RestViews {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RestViews() {
    }

    /** {@code {"metadata":{"tables":[{"_id","name","columns":[{"key","name","type","data"}]}]}}}. */
    public static ObjectNode metadata(Base b) {
        ObjectNode answer = NODES.objectNode();
        ArrayNode tables = answer.putObject("metadata").putArray("tables");
        for (Table table : b.tables()) {
            ObjectNode t = tables.addObject();
            t.put("_id", table.id());
            t.put("name", table.name());
            ArrayNode columns = t.putArray("columns");
            for (Column column : table.columns()) {
                columns.add(column.toJson());
            }
        }
        return answer;
    }

    /**
     * {@code {"rows":[…]}}: at most {@code limit} rows from display position {@code start}.
     *
     * @param tableNameOrId a table name or, when no table has that name, a table {@code _id}
     * @throws OperationException 404 {@code table_not_found}; 400 for a negative start or limit
     */
    public static ObjectNode rows(Base b, String tableNameOrId, int start, int limit) {
        if (start < 0 || limit < 0) {
            throw OperationException.badRequest("invalid_operation", "start and limit must not be negative");
        }
        Table table = table(b, tableNameOrId);
        ObjectNode answer = NODES.objectNode();
        ArrayNode rows = answer.putArray("rows");
        int from = Math.min(start, table.rowCount());
        int to = (int) Math.min((long) from + limit, table.rowCount());
        for (Row row : table.rows(from, to)) {
            rows.add(table.rowJsonByName(row));
        }
        return answer;
    }

    /**
     * One row keyed by column name.
     *
     * @throws OperationException 404 {@code table_not_found} or {@code row_not_found}
     */
    public static ObjectNode row(Base b, String tableNameOrId, String rowId) {
        Table table = table(b, tableNameOrId);
        return table.rowJsonByName(requireRow(table, rowId));
    }

    /** The row with this id of the table with this {@code _id}, keyed by column name (the answer to {@code POST rows/}). */
    public static JsonNode rowByName(Base b, String tableId, String rowId) {
        Table table = b.tableById(tableId);
        if (table == null) {
            throw OperationException.notFound("table_not_found", "no table with _id \"" + tableId + "\"");
        }
        return table.rowJsonByName(requireRow(table, rowId));
    }

    private static Table table(Base b, String tableNameOrId) {
        if (tableNameOrId == null) {
            throw OperationException.badRequest("invalid_operation", "table_name is required");
        }
        Table table = b.tableByName(tableNameOrId);
        if (table == null) {
            table = b.tableById(tableNameOrId);
        }
        if (table == null) {
            throw OperationException.notFound("table_not_found", "no table named \"" + tableNameOrId + "\"");
        }
        return table;
    }

    private static Row requireRow(Table table, String rowId) {
        Row row = rowId == null ? null : table.rowById(rowId);
        if (row == null) {
            throw OperationException.notFound("row_not_found",
                    "table \"" + table.name() + "\" has no row \"" + rowId + "\"");
        }
        return row;
    }
}
