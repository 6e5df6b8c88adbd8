package dtable.model;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code insert_column}, {@code rename_column}, {@code delete_column}, {@code modify_column_type}.
 * The column is named by {@code column_key} or, failing that, {@code column_name}; an unknown one is
 * 400 {@code column_not_found} (SPEC §7). Column names are unique within a table (400
 * {@code duplicate_name}). The table's first column (its primary column) cannot be deleted, as in
 * SeaTable.
 */
final class ColumnOperations {

    /** Most options {@code modify_column_type} creates from existing cell texts. */
    static final int MAX_CREATED_OPTIONS = 1000;

    private ColumnOperations() {
    }

    /**
     * Two shapes. The node's: {@code {table, column_name, column_type, column_data?, column_key?}},
     * appended after the last column, logged as {@code {op_type, table_id, column_key, column_name,
     * column_type, column_data, after_column_key}} ({@code after_column_key}: the column it follows,
     * for {@link ClientOperations}). SeaTable's client's (no {@code column_name}): see
     * {@link #insertClientColumn}.
     */
    static PreparedChange insertColumn(Base base, JsonNode op, IdSource ids) {
        Table table = base.requireTable(op);
        if (!OpFields.present(op, "column_name") && op.path("column_data").isObject()) {
            return insertClientColumn(base, table, op, ids);
        }
        NewColumn column = NewColumn.read(table, op, "column_", "column_key", ids);
        Links.Link newLink = column.link(base, table);
        ObjectNode json = OperationEngine.header("insert_column", table);
        json.put("column_key", column.key());
        json.put("column_name", column.name());
        json.put("column_type", column.type().wireName());
        json.set("column_data", dataJson(column.data()));
        if (!table.columns().isEmpty()) {
            json.put("after_column_key", table.columns().getLast().key());
        }
        return new PreparedChange(json, () -> {
            table.addColumn(column.build(table));
            if (newLink != null) {
                base.links().put(newLink);
            }
        });
    }

    /**
     * SeaTable's client's shape: {@code {table_id, column_key: <the column the new one follows>,
     * column_data: {key, name, type, data, ...display fields}, view_id?}}. Without {@code column_key}
     * the column is appended (and logged with the last column as its anchor, so the client's own
     * apply puts it in the same place). Logged in the same shape with the normalised {@code data};
     * other {@code column_data} fields (width, permissions…) are logged and broadcast but not kept in
     * the base document. {@code rows_datas} (formula and auto-number values) is not accepted.
     */
    private static PreparedChange insertClientColumn(Base base, Table table, JsonNode op, IdSource ids) {
        ObjectNode columnData = (ObjectNode) op.get("column_data");
        if (OpFields.present(op, "rows_datas") && !op.get("rows_datas").isEmpty()) {
            throw OperationException.invalidOperation("rows_datas is not supported");
        }
        NewColumn column = NewColumn.read(table, columnData, "", "column_data.key", ids);
        if (OpFields.present(op, "linked_column_info")) {
            throw OperationException.invalidOperation("linked_column_info is not supported: insert the other table's link column with its own insert_column");
        }
        Links.Link newLink = column.link(base, table);
        String anchorKey = OpFields.optionalString(op, "column_key");
        Column anchor = anchorKey == null || anchorKey.isEmpty() ? null : OperationEngine.requireColumnByKey(table, anchorKey);
        int index = anchor == null ? table.columns().size() : table.columnIndex(anchor) + 1;
        ObjectNode json = OperationEngine.header("insert_column", table);
        if (anchor != null) {
            json.put("column_key", anchor.key());
        } else if (!table.columns().isEmpty()) {
            json.put("column_key", table.columns().getLast().key());
        }
        ObjectNode logged = columnData.deepCopy();
        logged.put("key", column.key());
        logged.put("name", column.name());
        logged.put("type", column.type().wireName());
        logged.set("data", dataJson(column.data()));
        json.set("column_data", logged);
        String viewId = OpFields.optionalString(op, "view_id");
        if (viewId != null) {
            json.put("view_id", viewId);
        }
        return new PreparedChange(json, () -> {
            table.insertColumn(index, column.build(table));
            if (newLink != null) {
                base.links().put(newLink);
            }
        });
    }

    /** {@code {table, column_key|column_name, new_column_name}}; logged as {@code {op_type, table_id, column_key, new_column_name}}. */
    static PreparedChange renameColumn(Base base, JsonNode op) {
        Table table = base.requireTable(op);
        Column column = OperationEngine.requireColumn(table, op);
        String newName = OpFields.name(op, "new_column_name");
        requireFreeName(table, newName, column);
        ObjectNode json = OperationEngine.header("rename_column", table);
        json.put("column_key", column.key());
        json.put("new_column_name", newName);
        return new PreparedChange(json, () -> table.replaceColumn(column.renamed(newName)));
    }

    /** {@code {table, column_key|column_name}}; logged as {@code {op_type, table_id, column_key}}. */
    static PreparedChange deleteColumn(Base base, JsonNode op) {
        Table table = base.requireTable(op);
        Column column = OperationEngine.requireColumn(table, op);
        if (table.columns().getFirst() == column) {
            throw OperationException.invalidOperation("the first column of a table cannot be deleted");
        }
        ObjectNode json = OperationEngine.header("delete_column", table);
        json.put("column_key", column.key());
        return new PreparedChange(json, () -> table.removeColumn(column));
    }

    /**
     * {@code {table, column_key|column_name, new_column_type, new_column_data?}}, or SeaTable's
     * client's {@code {table_id, column_key, new_column: {key, name, type, data, ...}, old_column,
     * new_rows_data, old_rows_data}} (the type and data come from {@code new_column}; the client's
     * converted cells are not taken: the node converts them itself). Cells are converted by
     * {@link CellConversion} (kept, converted through their text, or cleared). Without data the column
     * keeps its data when it stays a select column (or keeps its type); a column that becomes a select
     * column gets one option per distinct existing text. Logged as {@code {op_type, table_id,
     * column_key, new_column_type, new_column_data}} with the final data, so replay does not depend on
     * the rows, plus what the client's own apply needs: {@code new_column} (the whole column) and
     * {@code new_rows_data} ({@code _id} and the new value of every row that had one).
     */
    static PreparedChange modifyColumnType(Base base, JsonNode op, IdSource ids) {
        Table table = base.requireTable(op);
        boolean client = !OpFields.present(op, "new_column_type") && op.path("new_column").isObject();
        Column column = client ? OperationEngine.requireColumnByKey(table, OpFields.requiredString(op, "column_key"))
                : OperationEngine.requireColumn(table, op);
        JsonNode newColumn = client ? op.get("new_column") : null;
        ColumnType newType = OpFields.columnType(client ? newColumn : op, client ? "type" : "new_column_type");
        if (newType == ColumnType.LINK || column.type() == ColumnType.LINK) {
            throw OperationException.invalidOperation("a column cannot change to or from the link type");
        }
        String dataField = client ? "data" : "new_column_data";
        JsonNode source = client ? newColumn : op;
        ObjectNode data;
        if (OpFields.present(source, dataField) || !ids.mints()) {
            data = ColumnData.normalize(newType, source.get(dataField), ids);
        } else if (newType == column.type() || (newType.isSelect() && column.type().isSelect())) {
            data = column.data();
        } else if (newType.isSelect()) {
            data = ColumnData.optionsFor(distinctTexts(table, column, newType), ids);
        } else {
            data = null;
        }
        Column retyped = column.retyped(newType, data);
        ObjectNode json = OperationEngine.header("modify_column_type", table);
        json.put("column_key", column.key());
        json.put("new_column_type", newType.wireName());
        json.set("new_column_data", dataJson(data));
        ObjectNode clientColumn = client ? ((ObjectNode) newColumn).deepCopy() : json.objectNode();
        clientColumn.put("key", column.key());
        clientColumn.put("name", column.name());
        clientColumn.put("type", newType.wireName());
        clientColumn.set("data", dataJson(data));
        json.set("new_column", clientColumn);
        ArrayNode rowsData = json.putArray("new_rows_data");
        for (int i = 0; i < table.rowCount(); i++) {
            Row row = table.row(i);
            Object before = row.cell(column);
            if (before != null) {
                Object after = CellConversion.convert(before, column, retyped);
                ObjectNode rowData = rowsData.addObject().put("_id", row.id());
                rowData.set(column.key(), after == null ? JsonNodeFactory.instance.nullNode() : CellValues.toJson(after));
            }
        }
        return new PreparedChange(json, () -> convertCells(table, column, retyped));
    }

    /**
     * SeaTable's client's {@code {table_id, column_key, column_data}}: new data (options, formats) for
     * a column that keeps its type; cells are converted as by {@code modify_column_type} (a select
     * cell whose option is gone is cleared). Logged as {@code {op_type, table_id, column_key,
     * column_data}} with the normalised data.
     */
    static PreparedChange modifyColumnData(Base base, JsonNode op, IdSource ids) {
        Table table = base.requireTable(op);
        Column column = OperationEngine.requireColumnByKey(table, OpFields.requiredString(op, "column_key"));
        ObjectNode data = ColumnData.normalize(column.type(), op.get("column_data"), ids);
        if (column.type() == ColumnType.LINK) {
            for (String field : new String[] {"link_id", "table_id", "other_table_id"}) {
                if (data == null || !Objects.equals(OpFields.optionalString(column.data(), field),
                        OpFields.optionalString(data, field))) {
                    throw OperationException.invalidOperation("the " + field + " of a link column cannot change");
                }
            }
        }
        Column changed = column.retyped(column.type(), data);
        ObjectNode json = OperationEngine.header("modify_column_data", table);
        json.put("column_key", column.key());
        json.set("column_data", dataJson(data));
        return new PreparedChange(json, () -> convertCells(table, column, changed));
    }

    private static void convertCells(Table table, Column column, Column retyped) {
        int slot = column.slot();
        for (int i = 0; i < table.rowCount(); i++) {
            Row row = table.row(i);
            Object converted = CellConversion.convert(row.cell(slot), column, retyped);
            if (converted != row.cell(slot)) {
                table.setCell(row, slot, converted); // unchanged cells cost no copy-on-write
            }
        }
        table.replaceColumn(retyped);
    }

    private static Set<String> distinctTexts(Table table, Column column, ColumnType newType) {
        Set<String> texts = new LinkedHashSet<>();
        for (int i = 0; i < table.rowCount() && texts.size() < MAX_CREATED_OPTIONS; i++) {
            for (String text : CellConversion.optionCandidates(table.row(i).cell(column), column, newType)) {
                if (texts.size() < MAX_CREATED_OPTIONS) {
                    texts.add(text);
                }
            }
        }
        return texts;
    }

    /**
     * The column an {@code insert_column} of either shape names, checked in this order: its name (free in the
     * table), its type, its normalised data, its key (given and unused, or generated). The node's shape prefixes
     * the fields with {@code column_}; the client's {@code column_data} does not.
     */
    private record NewColumn(String key, String name, ColumnType type, ObjectNode data) {

        static NewColumn read(Table table, JsonNode fields, String prefix, String keyField, IdSource ids) {
            String name = OpFields.name(fields, prefix + "name");
            requireFreeName(table, name, null);
            ColumnType type = OpFields.columnType(fields, prefix + "type");
            ObjectNode data = ColumnData.normalize(type, fields.get(prefix + "data"), ids);
            String key = ids.shortId(fields.get(prefix + "key"), k -> table.columnByKey(k) != null,
                    table.columns().isEmpty(), keyField);
            return new NewColumn(key, name, type, data);
        }

        /** For a link column, the link it creates (checked against the base); otherwise null. */
        Links.Link link(Base base, Table table) {
            return type == ColumnType.LINK ? LinkOperations.columnLink(base, table, data) : null;
        }

        /** The column, in the table's next free slot (call when applying). */
        Column build(Table table) {
            return new Column(key, name, type, data, table.freeSlot());
        }
    }

    private static JsonNode dataJson(ObjectNode data) {
        return data == null ? JsonNodeFactory.instance.nullNode() : data.deepCopy();
    }

    private static void requireFreeName(Table table, String name, Column except) {
        Column holder = table.columnByName(name);
        if (holder != null && holder != except) {
            throw OperationException.badRequest("duplicate_name",
                    "table \"" + table.name() + "\" already has a column named \"" + name + "\"");
        }
    }
}
