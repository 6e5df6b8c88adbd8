package dtable.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code insert_row}, {@code insert_rows} (alias {@code append_rows}), {@code modify_row},
 * {@code modify_rows}, {@code delete_row}, {@code delete_rows}.
 *
 * <p>Cells are named by column key or, when no column has that key, by column name (see
 * {@link Table#columnByKeyOrName}); the log always holds keys. Other fields starting with
 * {@code _} ({@code _creator}, {@code _locked}…) are ignored; any other unknown field is 400
 * {@code column_not_found}. {@code _ctime}/{@code _mtime} are always the server's.
 * An unknown anchor or target row is 404 {@code row_not_found}; batches are all-or-nothing.
 */
final class RowOperations {

    private RowOperations() {
    }

    /** Where new rows go: after the last row, or below / above an anchor row. */
    private record Placement(Row anchor, boolean above) {
        int index(Table table) {
            if (anchor == null) {
                return table.rowCount();
            }
            return table.indexOf(anchor) + (above ? 0 : 1);
        }

        void describe(ObjectNode json) {
            if (anchor != null) {
                json.put("row_id", anchor.id());
                json.put("row_insert_position", above ? "insert_above" : "insert_below");
            }
        }
    }

    private static Placement placement(Table table, JsonNode op) {
        String anchorId = OpFields.optionalString(op, "row_id");
        if (anchorId == null || anchorId.isEmpty()) {
            // SeaTable's client sends null, or "" (dtable-sdk on an empty table): no anchor
            return new Placement(null, false);
        }
        Row anchor = OperationEngine.requireRow(table, anchorId);
        String position = OpFields.optionalString(op, "row_insert_position");
        if (position == null || position.equals("insert_below")) {
            return new Placement(anchor, false);
        }
        if (position.equals("insert_above")) {
            return new Placement(anchor, true);
        }
        throw OperationException.invalidOperation("row_insert_position must be insert_below or insert_above");
    }

    /**
     * {@code {table, row_data, row_id? (anchor), row_insert_position?}}; appended without an anchor.
     * Logged as {@code {op_type, table_id, [row_id, row_insert_position], row_data:{_id,_ctime,_mtime,key:value…}}}.
     */
    /**
     * The store's {@code links_data} (links of a duplicated or restored row) is not taken: a row is
     * linked with {@code add_link} after it exists. Empty or absent is fine (the store always sends it).
     */
    private static void refuseLinksData(JsonNode op) {
        JsonNode links = op.get("links_data");
        if (links != null && !links.isNull() && !links.isEmpty()) {
            throw OperationException.invalidOperation("links_data is not supported: link the rows with add_link");
        }
    }

    static PreparedChange insertRow(Base base, JsonNode op, IdSource ids) {
        Table table = base.requireTable(op);
        ObjectNode data = OpFields.requiredObject(op, "row_data");
        refuseLinksData(op);
        Placement placement = placement(table, op);
        NewRow row = newRow(table, data, ids, Set.of());
        ObjectNode json = OperationEngine.header("insert_row", table);
        placement.describe(json);
        json.set("row_data", row.json());
        return new PreparedChange(json, () -> table.insertRows(placement.index(table), List.of(row.row())));
    }

    /**
     * {@code {table, row_datas:[…], row_id?, row_insert_position?}}: the rows, in order, appended or
     * placed together at the anchor; or SeaTable's client's {@code {table_id, row_ids:[one anchor per
     * row], row_insert_position, row_datas}} (no {@code row_id}): each row in turn goes below (or above)
     * its own anchor, which may be a row inserted before it in the same operation; an empty anchor
     * puts the row where the client's own apply does (before the last row). Logged as {@code insert_rows} with complete {@code row_datas}, the
     * {@code row_insert_position} and one anchor per row in {@code row_ids} (so the client's own apply
     * places the rows exactly as the node did).
     */
    static PreparedChange insertRows(Base base, JsonNode op, IdSource ids) {
        Table table = base.requireTable(op);
        ArrayNode datas = OpFields.requiredArray(op, "row_datas");
        refuseLinksData(op);
        if (datas.isEmpty()) {
            throw OperationException.invalidOperation("row_datas must not be empty");
        }
        boolean perRow = OpFields.present(op, "row_ids") && !OpFields.present(op, "row_id");
        Placement placement = perRow ? new Placement(null, false) : placement(table, op);
        boolean above = "insert_above".equals(OpFields.optionalString(op, "row_insert_position"));
        ObjectNode json = OperationEngine.header("insert_rows", table);
        placement.describe(json);
        ArrayNode datasJson = json.putArray("row_datas");
        List<Row> rows = new ArrayList<>(datas.size());
        Set<String> batchIds = new HashSet<>();
        for (JsonNode data : datas) {
            if (!data.isObject()) {
                throw OperationException.invalidOperation("each of row_datas must be a JSON object");
            }
            NewRow row = newRow(table, (ObjectNode) data, ids, batchIds);
            batchIds.add(row.row().id());
            rows.add(row.row());
            datasJson.add(row.json());
        }
        if (perRow) {
            List<String> anchors = rowAnchors(table, OpFields.stringArray(op, "row_ids"), rows);
            json.put("row_insert_position", above ? "insert_above" : "insert_below");
            anchors.forEach(json.withArray("row_ids")::add);
            return new PreparedChange(json, () -> {
                Map<String, Row> fresh = new HashMap<>();
                for (int i = 0; i < rows.size(); i++) {
                    String anchorId = anchors.get(i);
                    Row anchor = anchorId.isEmpty() ? null
                            : table.rowById(anchorId) != null ? table.rowById(anchorId) : fresh.get(anchorId);
                    // no anchor: where the client's own apply puts it (before the last row; first in an empty table)
                    int index = anchor == null ? Math.max(0, table.rowCount() - 1) : table.indexOf(anchor) + (above ? 0 : 1);
                    table.insertRows(index, List.of(rows.get(i)));
                    fresh.put(rows.get(i).id(), rows.get(i));
                }
            });
        }
        // the same placement, one anchor per row, for the client's apply
        json.put("row_insert_position", placement.above() ? "insert_above" : "insert_below");
        ArrayNode anchors = json.putArray("row_ids");
        String previous = placement.anchor() != null ? placement.anchor().id()
                : table.rowCount() == 0 ? "" : table.row(table.rowCount() - 1).id();
        for (Row row : rows) {
            anchors.add(previous);
            if (!placement.above()) {
                previous = row.id();
            }
        }
        return new PreparedChange(json, () -> table.insertRows(placement.index(table), rows));
    }

    /** One anchor per new row: an existing row, a row earlier in the batch, or "" (append). */
    private static List<String> rowAnchors(Table table, ArrayNode given, List<Row> rows) {
        if (given.size() != rows.size()) {
            throw OperationException.invalidOperation("row_ids must hold one anchor for each of row_datas");
        }
        List<String> anchors = new ArrayList<>(rows.size());
        Set<String> earlier = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            String anchor = given.get(i).isNull() ? "" : given.get(i).stringValue();
            if (!anchor.isEmpty() && table.rowById(anchor) == null && !earlier.contains(anchor)) {
                throw OperationException.notFound("row_not_found",
                        "table \"" + table.name() + "\" has no row \"" + anchor + "\"");
            }
            anchors.add(anchor);
            earlier.add(rows.get(i).id());
        }
        return anchors;
    }

    /** {@code {table, row_id, updated:{key:value}}}; logged with {@code updated._mtime}. */
    static PreparedChange modifyRow(Base base, JsonNode op, IdSource ids) {
        Table table = base.requireTable(op);
        Row row = OperationEngine.requireRow(table, OpFields.requiredString(op, "row_id"));
        CellUpdate update = CellUpdate.of(table, OpFields.requiredObject(op, "updated"), ids);
        ObjectNode json = OperationEngine.header("modify_row", table);
        json.put("row_id", row.id());
        json.set("updated", update.json());
        return new PreparedChange(json, () -> update.applyTo(table, row));
    }

    /**
     * {@code {table, row_ids?, updated:{row_id:{key:value}}}}; {@code row_ids}, when given, must list
     * exactly the rows of {@code updated}. Logged with {@code row_ids} and each {@code updated[id]._mtime}.
     */
    static PreparedChange modifyRows(Base base, JsonNode op, IdSource ids) {
        Table table = base.requireTable(op);
        ObjectNode updated = OpFields.requiredObject(op, "updated");
        List<String> rowIds = new ArrayList<>();
        if (OpFields.present(op, "row_ids")) {
            OpFields.stringArray(op, "row_ids").forEach(id -> rowIds.add(id.stringValue()));
        } else {
            rowIds.addAll(updated.propertyNames());
        }
        if (rowIds.isEmpty()) {
            throw OperationException.invalidOperation("updated must not be empty");
        }
        if (new HashSet<>(rowIds).size() != rowIds.size() || rowIds.size() != updated.size()) {
            throw OperationException.invalidOperation("row_ids must list each row of updated exactly once");
        }
        ObjectNode json = OperationEngine.header("modify_rows", table);
        ArrayNode idsJson = json.putArray("row_ids");
        ObjectNode updatedJson = json.putObject("updated");
        Map<Row, CellUpdate> updates = new java.util.LinkedHashMap<>();
        for (String rowId : rowIds) {
            if (!updated.has(rowId)) {
                throw OperationException.invalidOperation("updated has no entry for row \"" + rowId + "\"");
            }
            Row row = OperationEngine.requireRow(table, rowId);
            CellUpdate update = CellUpdate.of(table, OpFields.requiredObject(updated, rowId), ids);
            updates.put(row, update);
            idsJson.add(rowId);
            updatedJson.set(rowId, update.json());
        }
        return new PreparedChange(json, () -> updates.forEach((row, update) -> update.applyTo(table, row)));
    }

    /** {@code {table, row_id}}; logged as {@code {op_type, table_id, row_id}}. */
    static PreparedChange deleteRow(Base base, JsonNode op) {
        Table table = base.requireTable(op);
        Row row = OperationEngine.requireRow(table, OpFields.requiredString(op, "row_id"));
        ObjectNode json = OperationEngine.header("delete_row", table);
        json.put("row_id", row.id());
        return new PreparedChange(json, () -> {
            table.removeRows(List.of(row));
            base.links().removeRows(table.id(), Set.of(row.id()));
        });
    }

    /** {@code {table, row_ids}}: every row must exist; repeated ids count once. */
    static PreparedChange deleteRows(Base base, JsonNode op) {
        Table table = base.requireTable(op);
        Set<String> rowIds = new LinkedHashSet<>();
        OpFields.stringArray(op, "row_ids").forEach(id -> rowIds.add(id.stringValue()));
        List<Row> rows = new ArrayList<>(rowIds.size());
        ObjectNode json = OperationEngine.header("delete_rows", table);
        ArrayNode idsJson = json.putArray("row_ids");
        for (String rowId : rowIds) {
            rows.add(OperationEngine.requireRow(table, rowId));
            idsJson.add(rowId);
        }
        return new PreparedChange(json, () -> {
            table.removeRows(rows);
            base.links().removeRows(table.id(), rowIds);
        });
    }

    /** A validated new row and its normalised {@code row_data}. */
    private record NewRow(Row row, ObjectNode json) {
    }

    private static NewRow newRow(Table table, ObjectNode data, IdSource ids, Set<String> batchIds) {
        String id = ids.rowId(data.get("_id"), candidate -> table.rowById(candidate) != null
                || batchIds.contains(candidate));
        long ctime = ids.time(data.get("_ctime"), "_ctime");
        long mtime = ids.mints() ? ctime : ids.time(data.get("_mtime"), "_mtime");
        ObjectNode json = data.objectNode();
        json.put("_id", id);
        json.put("_ctime", Timestamps.format(ctime));
        json.put("_mtime", Timestamps.format(mtime));
        Row row = new Row(id, ctime, mtime, new Object[table.slotCount()]);
        CellUpdate cells = CellUpdate.cellsOf(table, data);
        cells.writeTo(row, json);
        return new NewRow(row, json);
    }
}
