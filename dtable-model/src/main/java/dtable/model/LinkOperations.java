package dtable.model;

import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Links between rows, as SeaTable's client ({@code dtable-store}) sends them:
 * {@code add_link} / {@code remove_link} with {@code {link_id, table1_id, table2_id, table1_row_id,
 * table2_row_id}}, where {@code table1}/{@code table2} are the link's own sides (for two different
 * tables the store puts the smaller table id first, the order {@link #sides} also uses). A link
 * entry is created by its first link column ({@link #columnLink}).
 */
final class LinkOperations {

    private LinkOperations() {
    }

    /** The two sides of a link between {@code tableId} and {@code otherTableId}, in the store's order. */
    static String[] sides(String tableId, String otherTableId) {
        return tableId.compareTo(otherTableId) <= 0
                ? new String[] {tableId, otherTableId} : new String[] {otherTableId, tableId};
    }

    /**
     * For a link column of {@code table} with (normalised) {@code data}: checks {@code link_id},
     * {@code table_id}, {@code other_table_id} (both existing tables, one of them {@code table}) and
     * returns the link entry to create, or {@code null} when the base has it already (then its tables
     * must be the same).
     *
     * @throws OperationException 400 when the data does not describe a valid link
     */
    static Links.Link columnLink(Base base, Table table, ObjectNode data) {
        if (data == null) {
            throw OperationException.invalidOperation("a link column needs data with link_id, table_id and other_table_id");
        }
        String linkId = OpFields.requiredString(data, "link_id");
        String tableId = OpFields.requiredString(data, "table_id");
        String otherTableId = OpFields.requiredString(data, "other_table_id");
        if (linkId.isEmpty()) {
            throw OperationException.invalidOperation("link_id must not be empty");
        }
        for (String id : new String[] {tableId, otherTableId}) {
            if (base.tableById(id) == null) {
                throw OperationException.notFound("table_not_found", "no table with _id \"" + id + "\"");
            }
        }
        if (!table.id().equals(tableId) && !table.id().equals(otherTableId)) {
            throw OperationException.invalidOperation("a link column must link its own table (table_id or other_table_id)");
        }
        String[] sides = sides(tableId, otherTableId);
        Links.Link existing = base.links().get(linkId);
        if (existing != null) {
            if (!existing.table1Id.equals(sides[0]) || !existing.table2Id.equals(sides[1])) {
                throw OperationException.badRequest("link_mismatch", "link \"" + linkId + "\" links other tables");
            }
            return null;
        }
        return new Links.Link(linkId, sides[0], sides[1]);
    }

    /** {@code add_link} ({@code add} true) or {@code remove_link}; both rows must exist, the link too. */
    static PreparedChange changeLink(Base base, JsonNode op, boolean add) {
        String linkId = OpFields.requiredString(op, "link_id");
        String table1Id = OpFields.requiredString(op, "table1_id");
        String table2Id = OpFields.requiredString(op, "table2_id");
        String row1Id = OpFields.requiredString(op, "table1_row_id");
        String row2Id = OpFields.requiredString(op, "table2_row_id");
        Links.Link link = base.links().get(linkId);
        if (link == null) {
            throw OperationException.notFound("link_not_found", "no link \"" + linkId + "\"");
        }
        if (!link.table1Id.equals(table1Id) || !link.table2Id.equals(table2Id)) {
            throw OperationException.badRequest("link_mismatch", "link \"" + linkId + "\" links table1_id \""
                    + link.table1Id + "\" and table2_id \"" + link.table2Id + "\"");
        }
        Table table1 = requireTable(base, table1Id);
        Table table2 = requireTable(base, table2Id);
        OperationEngine.requireRow(table1, row1Id);
        OperationEngine.requireRow(table2, row2Id);
        boolean linked = link.linked(row1Id, row2Id);
        if (add && linked) {
            throw OperationException.badRequest("link_inserted_exist", "the rows are linked already");
        }
        if (!add && !linked) {
            throw OperationException.badRequest("link_not_exist", "the rows are not linked");
        }
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("op_type", add ? "add_link" : "remove_link");
        json.put("link_id", linkId);
        json.put("table1_id", table1Id);
        json.put("table2_id", table2Id);
        json.put("table1_row_id", row1Id);
        json.put("table2_row_id", row2Id);
        JsonNode linkedBack = op.get("is_linked_back");
        if (linkedBack != null && linkedBack.isBoolean()) {
            json.put("is_linked_back", linkedBack.booleanValue());
        }
        return new PreparedChange(json, add ? () -> link.add(row1Id, row2Id) : () -> link.remove(row1Id, row2Id));
    }

    private static Table requireTable(Base base, String tableId) {
        Table table = base.tableById(Objects.requireNonNull(tableId));
        if (table == null) {
            throw OperationException.notFound("table_not_found", "no table with _id \"" + tableId + "\"");
        }
        return table;
    }
}
