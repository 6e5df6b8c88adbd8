package dtable.model;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Logged operations in the shape SeaTable's browser client ({@code dtable-store}) applies with its
 * own code. Operations the client made are logged in its shape already and pass unchanged; the
 * node's own shapes (REST, the plain WebSocket) of {@code insert_column}, {@code insert_table} and
 * {@code rename_table} differ and are rewritten here: the client would throw on them or leave an
 * undefined name. Pure functions, no state.
 */
public final class ClientOperations {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ClientOperations() {
    }

    /** SeaTable's default view, as a one-element array. */
    public static ArrayNode defaultViews() {
        ArrayNode views = NODES.arrayNode();
        ObjectNode view = views.addObject();
        view.put("_id", "0000");
        view.put("name", "Default View");
        view.put("type", "table");
        view.putArray("filters");
        view.putArray("sorts");
        view.putArray("groupbys");
        view.putArray("hidden_columns");
        view.put("filter_conjunction", "And");
        return views;
    }

    /** The operation as the client applies it; {@code logged} itself is not changed. */
    public static ObjectNode toClientShape(ObjectNode logged) {
        String opType = logged.path("op_type").asString("");
        return switch (opType) {
            case "insert_column" -> logged.has("column_name") ? insertColumn(logged) : logged;
            case "insert_table" -> logged.has("table_data") ? logged : insertTable(logged);
            case "rename_table" -> logged.has("table_name") ? logged : renameTable(logged);
            default -> logged;
        };
    }

    private static ObjectNode insertColumn(ObjectNode logged) {
        ObjectNode op = NODES.objectNode();
        op.put("op_type", "insert_column");
        op.set("table_id", logged.get("table_id"));
        if (logged.hasNonNull("after_column_key")) {
            op.set("column_key", logged.get("after_column_key"));
        }
        op.set("column_data", column(logged.path("column_key"), logged.path("column_name"), logged.path("column_type"),
                logged.get("column_data")));
        return op;
    }

    private static ObjectNode insertTable(ObjectNode logged) {
        ObjectNode table = NODES.objectNode();
        table.set("_id", logged.get("table_id"));
        table.set("name", logged.get("table_name"));
        ArrayNode columns = table.putArray("columns");
        for (JsonNode c : logged.path("columns")) {
            columns.add(column(c.path("column_key"), c.path("column_name"), c.path("column_type"), c.get("column_data")));
        }
        table.putArray("rows");
        table.set("views", defaultViews());
        ObjectNode op = NODES.objectNode();
        op.put("op_type", "insert_table");
        op.set("table_data", table);
        return op;
    }

    private static ObjectNode renameTable(ObjectNode logged) {
        ObjectNode op = logged.deepCopy();
        op.set("table_name", logged.get("new_table_name"));
        return op;
    }

    private static ObjectNode column(JsonNode key, JsonNode name, JsonNode type, JsonNode data) {
        ObjectNode column = NODES.objectNode();
        column.set("key", key);
        column.set("name", name);
        column.set("type", type);
        column.set("data", data == null ? NODES.nullNode() : data);
        return column;
    }
}
