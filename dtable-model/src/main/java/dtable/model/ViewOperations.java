package dtable.model;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The views of SeaTable's client, in its shapes: {@code insert_view {table_id, view_data: {_id, name,
 * ...}, view_folder_id?}}, {@code rename_view {table_id, view_id, view_name}}, {@code delete_view
 * {table_id, view_id, ...}}, and {@code modify_filters {filters, filter_conjunction}},
 * {@code modify_sorts {sorts}}, {@code modify_hidden_columns {hidden_columns}}, {@code modify_groupbys
 * {groupbys}} (each with {@code table_id, view_id}). A view is kept as the client made it; the base
 * document only checks ids and field shapes (filters are not evaluated: rows are not filtered by the
 * node). A table without views of its own has SeaTable's default view, which the first view
 * operation makes its own. The last view of a table cannot be deleted. Logged as given.
 */
final class ViewOperations {

    private ViewOperations() {
    }

    static PreparedChange insertView(Base base, JsonNode op) {
        Table table = base.requireTable(op);
        ObjectNode view = OpFields.requiredObject(op, "view_data");
        String viewId = OpFields.requiredString(view, "_id");
        OpFields.name(view, "name");
        List<ObjectNode> views = viewsOf(table);
        if (indexOf(views, viewId) >= 0) {
            throw OperationException.badRequest("duplicate_view", "table \"" + table.name() + "\" has a view \"" + viewId + "\"");
        }
        ObjectNode json = OperationEngine.header("insert_view", table);
        json.set("view_data", view.deepCopy());
        copyString(op, json, "view_folder_id");
        ObjectNode added = view.deepCopy();
        return new PreparedChange(json, () -> {
            views.add(added);
            table.setViews(views);
        });
    }

    static PreparedChange renameView(Base base, JsonNode op) {
        Table table = base.requireTable(op);
        List<ObjectNode> views = viewsOf(table);
        int index = requireView(table, views, op);
        String name = OpFields.name(op, "view_name");
        ObjectNode json = header("rename_view", table, views.get(index));
        json.put("view_name", name);
        return new PreparedChange(json, () -> {
            views.get(index).put("name", name);
            table.setViews(views);
        });
    }

    static PreparedChange deleteView(Base base, JsonNode op) {
        Table table = base.requireTable(op);
        List<ObjectNode> views = viewsOf(table);
        int index = requireView(table, views, op);
        if (views.size() == 1) {
            throw OperationException.invalidOperation("the last view of a table cannot be deleted");
        }
        ObjectNode json = header("delete_view", table, views.get(index));
        copyString(op, json, "view_folder_id");
        copyString(op, json, "view_name");
        return new PreparedChange(json, () -> {
            views.remove(index);
            table.setViews(views);
        });
    }

    /** {@code modify_filters}, {@code modify_sorts}, {@code modify_hidden_columns}, {@code modify_groupbys}. */
    static PreparedChange modifyView(Base base, JsonNode op, String opType, String arrayField) {
        Table table = base.requireTable(op);
        List<ObjectNode> views = viewsOf(table);
        int index = requireView(table, views, op);
        JsonNode array = OpFields.requiredArray(op, arrayField);
        ObjectNode json = header(opType, table, views.get(index));
        json.set(arrayField, array.deepCopy());
        String conjunction = null;
        if (opType.equals("modify_filters")) {
            conjunction = OpFields.optionalString(op, "filter_conjunction");
            if (conjunction != null && !conjunction.equals("And") && !conjunction.equals("Or")) {
                throw OperationException.invalidOperation("filter_conjunction must be And or Or");
            }
            if (conjunction != null) {
                json.put("filter_conjunction", conjunction);
            }
        }
        JsonNode value = array.deepCopy();
        String finalConjunction = conjunction;
        return new PreparedChange(json, () -> {
            views.get(index).set(arrayField, value);
            if (finalConjunction != null) {
                views.get(index).put("filter_conjunction", finalConjunction);
            }
            table.setViews(views);
        });
    }

    /** A working copy of the table's views: its own, or the default view. */
    private static List<ObjectNode> viewsOf(Table table) {
        List<ObjectNode> views = new ArrayList<>();
        if (table.views().isEmpty()) {
            ClientOperations.defaultViews().forEach(view -> views.add((ObjectNode) view));
        } else {
            table.views().forEach(view -> views.add(view.deepCopy()));
        }
        return views;
    }

    private static int requireView(Table table, List<ObjectNode> views, JsonNode op) {
        String viewId = OpFields.requiredString(op, "view_id");
        int index = indexOf(views, viewId);
        if (index < 0) {
            throw OperationException.notFound("view_not_found", "table \"" + table.name() + "\" has no view \"" + viewId + "\"");
        }
        return index;
    }

    private static int indexOf(List<ObjectNode> views, String viewId) {
        for (int i = 0; i < views.size(); i++) {
            if (views.get(i).path("_id").asString("").equals(viewId)) {
                return i;
            }
        }
        return -1;
    }

    private static ObjectNode header(String opType, Table table, ObjectNode view) {
        ObjectNode json = OperationEngine.header(opType, table);
        json.put("view_id", view.path("_id").asString());
        return json;
    }

    private static void copyString(JsonNode op, ObjectNode json, String field) {
        String value = OpFields.optionalString(op, field);
        if (value != null) {
            json.put(field, value);
        }
    }
}
