package dtable.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A base's {@code links[]} in SeaTable's shape: per link {@code _id}, {@code table1_id},
 * {@code table2_id} and the two row maps {@code table1_table2_map} (a table1 row id → the table2 row
 * ids it links to) and {@code table2_table1_map} (the reverse). Link columns ({@code type "link"},
 * {@code data.link_id}) show these maps; their cells are not stored in rows. Kept in insertion
 * order, maps too, so equal histories give equal JSON. Not thread-safe (the base's owner only);
 * {@link #copy()} gives a frozen view its own copy.
 */
final class Links {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One link between two tables (the same table twice for a self-link). */
    static final class Link {
        final String id;
        final String table1Id;
        final String table2Id;
        final Map<String, List<String>> table1Table2 = new LinkedHashMap<>();
        final Map<String, List<String>> table2Table1 = new LinkedHashMap<>();

        Link(String id, String table1Id, String table2Id) {
            this.id = id;
            this.table1Id = table1Id;
            this.table2Id = table2Id;
        }

        boolean linked(String table1RowId, String table2RowId) {
            List<String> targets = table1Table2.get(table1RowId);
            return targets != null && targets.contains(table2RowId);
        }

        void add(String table1RowId, String table2RowId) {
            List<String> forward = table1Table2.computeIfAbsent(table1RowId, k -> new ArrayList<>());
            if (!forward.contains(table2RowId)) {
                forward.add(table2RowId);
            }
            List<String> backward = table2Table1.computeIfAbsent(table2RowId, k -> new ArrayList<>());
            if (!backward.contains(table1RowId)) {
                backward.add(table1RowId);
            }
        }

        void remove(String table1RowId, String table2RowId) {
            removeFrom(table1Table2, table1RowId, table2RowId);
            removeFrom(table2Table1, table2RowId, table1RowId);
        }

        /** Drops {@code rowIds} of table {@code tableId} from both maps, as SeaTable does when rows are deleted. */
        void removeRows(String tableId, Set<String> rowIds) {
            if (table1Id.equals(tableId)) {
                removeRowsFrom(table1Table2, table2Table1, rowIds);
            }
            if (table2Id.equals(tableId)) {
                removeRowsFrom(table2Table1, table1Table2, rowIds);
            }
        }

        private static void removeRowsFrom(Map<String, List<String>> own, Map<String, List<String>> other,
                Set<String> rowIds) {
            own.keySet().removeAll(rowIds);
            other.values().forEach(list -> list.removeAll(rowIds));
            other.values().removeIf(List::isEmpty);
        }

        private static void removeFrom(Map<String, List<String>> map, String key, String value) {
            List<String> list = map.get(key);
            if (list != null) {
                list.remove(value);
                if (list.isEmpty()) {
                    map.remove(key);
                }
            }
        }

        Link copy() {
            Link copy = new Link(id, table1Id, table2Id);
            table1Table2.forEach((k, v) -> copy.table1Table2.put(k, new ArrayList<>(v)));
            table2Table1.forEach((k, v) -> copy.table2Table1.put(k, new ArrayList<>(v)));
            return copy;
        }

        ObjectNode toJson() {
            ObjectNode json = NODES.objectNode();
            json.put("_id", id);
            json.put("table1_id", table1Id);
            json.put("table2_id", table2Id);
            json.set("table1_table2_map", mapJson(table1Table2));
            json.set("table2_table1_map", mapJson(table2Table1));
            return json;
        }

        private static ObjectNode mapJson(Map<String, List<String>> map) {
            ObjectNode json = NODES.objectNode();
            map.forEach((k, v) -> {
                ArrayNode ids = json.putArray(k);
                v.forEach(ids::add);
            });
            return json;
        }
    }

    private final Map<String, Link> links = new LinkedHashMap<>();

    Link get(String linkId) {
        return links.get(linkId);
    }

    void put(Link link) {
        links.put(link.id, link);
    }

    List<Link> all() {
        return List.copyOf(links.values());
    }

    /** Removes rows of a table from every link touching that table. */
    void removeRows(String tableId, Set<String> rowIds) {
        for (Link link : links.values()) {
            link.removeRows(tableId, rowIds);
        }
    }

    /** Removes every link that has {@code tableId} on either side (the table is being deleted). */
    void removeTable(String tableId) {
        links.values().removeIf(link -> link.table1Id.equals(tableId) || link.table2Id.equals(tableId));
    }

    Links copy() {
        Links copy = new Links();
        links.values().forEach(link -> copy.put(link.copy()));
        return copy;
    }

    ArrayNode toJson() {
        ArrayNode json = NODES.arrayNode();
        links.values().forEach(link -> json.add(link.toJson()));
        return json;
    }

    /**
     * Parses {@code links[]} as a base document holds it.
     *
     * @throws ModelException when it is not an array of links in SeaTable's shape or two share an {@code _id}
     */
    static Links fromJson(JsonNode json) {
        Links parsed = new Links();
        if (json == null || json.isNull()) {
            return parsed;
        }
        if (!json.isArray()) {
            throw new ModelException("links must be an array");
        }
        for (JsonNode node : json) {
            String id = text(node, "_id");
            Link link = new Link(id, text(node, "table1_id"), text(node, "table2_id"));
            readMap(node.get("table1_table2_map"), link.table1Table2, id);
            readMap(node.get("table2_table1_map"), link.table2Table1, id);
            if (parsed.links.containsKey(id)) {
                throw new ModelException("two links share the _id \"" + id + "\"");
            }
            parsed.put(link);
        }
        return parsed;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isString() || value.stringValue().isEmpty()) {
            throw new ModelException("each link needs a non-empty string " + field);
        }
        return value.stringValue();
    }

    private static void readMap(JsonNode json, Map<String, List<String>> into, String linkId) {
        if (json == null || json.isNull()) {
            return;
        }
        if (!json.isObject()) {
            throw new ModelException("link \"" + linkId + "\": row maps must be objects");
        }
        for (Map.Entry<String, JsonNode> entry : json.properties()) {
            if (!entry.getValue().isArray()) {
                throw new ModelException("link \"" + linkId + "\": row map values must be arrays of row ids");
            }
            List<String> ids = new ArrayList<>();
            for (JsonNode id : entry.getValue()) {
                if (!id.isString()) {
                    throw new ModelException("link \"" + linkId + "\": row ids must be strings");
                }
                if (!ids.contains(id.stringValue())) {
                    ids.add(id.stringValue());
                }
            }
            if (!ids.isEmpty()) {
                into.put(entry.getKey(), ids);
            }
        }
    }
}
