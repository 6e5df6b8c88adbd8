package dtable.server.socket;

import dtable.model.Base;
import dtable.model.Table;
import dtable.server.base.LoadedBase;
import java.util.OptionalLong;
import tools.jackson.databind.JsonNode;

/**
 * Recognises an operation the base already holds. SeaTable's client resends the operation that was
 * in flight when its connection broke (at-least-once); when the first copy was committed, the copy
 * is refused by the model (the row or table already exists, the row is already gone). Such a copy is
 * answered as done at the current version, never applied twice and never reported as an error.
 *
 * <p>Only operations that carry the client's own identity are recognised: {@code insert_row} with
 * the client-made row {@code _id}, {@code insert_rows} whose rows all exist, {@code insert_table}
 * with the client-made table {@code _id}, {@code insert_column} with its new column key,
 * {@code insert_view} with the client-made view {@code _id},
 * {@code delete_row}/{@code delete_rows} whose rows are gone, {@code add_link} whose two rows are
 * linked and {@code remove_link} whose two rows are not (the store checks both before it sends, so
 * only a resend meets them).
 */
final class Resends {

    private Resends() {
    }

    /** The version at which the base already holds {@code operation}, or empty when it does not. */
    static OptionalLong alreadyApplied(LoadedBase base, JsonNode operation) {
        try {
            return base.read(model -> holds(model, operation) ? OptionalLong.of(model.version()) : OptionalLong.empty());
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    static boolean holds(Base model, JsonNode op) {
        String opType = op.path("op_type").asString("");
        Table table = model.tableById(op.path("table_id").asString(""));
        return switch (opType) {
            case "insert_row" -> table != null && rowExists(table, op.path("row_data").path("_id"));
            case "insert_rows" -> table != null && op.path("row_datas").isArray() && !op.path("row_datas").isEmpty()
                    && allRows(table, op.path("row_datas"), true);
            case "delete_row" -> table != null && op.path("row_id").isString()
                    && table.rowById(op.path("row_id").asString()) == null;
            case "delete_rows" -> table != null && op.path("row_ids").isArray() && !op.path("row_ids").isEmpty()
                    && allRows(table, op.path("row_ids"), false);
            case "insert_table" -> op.path("table_data").path("_id").isString()
                    && model.tableById(op.path("table_data").path("_id").asString()) != null;
            case "insert_column" -> table != null && op.path("column_data").path("key").isString()
                    && table.columnByKey(op.path("column_data").path("key").asString()) != null
                    && table.columnByKey(op.path("column_data").path("key").asString()).name()
                            .equals(op.path("column_data").path("name").asString(""));
            case "insert_view" -> table != null && op.path("view_data").path("_id").isString()
                    && table.views().stream().anyMatch(v -> v.path("_id").asString("")
                            .equals(op.path("view_data").path("_id").asString()));
            case "add_link", "remove_link" -> linkHolds(model, op, opType.equals("add_link"));
            default -> false;
        };
    }

    /** An {@code add_link} whose rows are linked, a {@code remove_link} whose rows are not (both rows and the link exist). */
    private static boolean linkHolds(Base model, JsonNode op, boolean add) {
        String linkId = op.path("link_id").asString("");
        String row1 = op.path("table1_row_id").asString("");
        String row2 = op.path("table2_row_id").asString("");
        return model.hasLinkBetween(linkId, op.path("table1_id").asString(""), op.path("table2_id").asString(""), row1, row2)
                && model.linked(linkId, row1, row2) == add;
    }

    private static boolean rowExists(Table table, JsonNode id) {
        return id.isString() && table.rowById(id.asString()) != null;
    }

    /** Every row (objects with {@code _id}, or ids) exists ({@code exist}) or is gone ({@code !exist}). */
    private static boolean allRows(Table table, JsonNode rows, boolean exist) {
        for (JsonNode row : rows) {
            JsonNode id = row.isObject() ? row.path("_id") : row;
            if (!id.isString() || (table.rowById(id.asString()) != null) != exist) {
                return false;
            }
        }
        return true;
    }
}
