package dtable.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The options of a select column ({@code data.options: [{id, name, color}]}), indexed both ways.
 * Immutable. A value names an option by id or by name; ids win, so an option whose name equals
 * another option's id is reachable only through its own id.
 */
final class SelectOptions {

    static final SelectOptions NONE = new SelectOptions(List.of(), List.of());

    private final List<String> ids;
    private final Map<String, String> idsById = new HashMap<>();
    private final Map<String, String> idsByName = new HashMap<>();
    private final Map<String, String> namesById = new HashMap<>();

    private SelectOptions(List<String> ids, List<String> names) {
        this.ids = List.copyOf(ids);
        for (int i = 0; i < ids.size(); i++) {
            idsById.put(ids.get(i), ids.get(i));
            idsByName.putIfAbsent(names.get(i), ids.get(i));
            namesById.put(ids.get(i), names.get(i));
        }
    }

    /** Options of already normalised column data (see {@link ColumnData}); tolerates missing data. */
    static SelectOptions of(JsonNode data) {
        JsonNode options = data == null ? null : data.get("options");
        if (options == null || !options.isArray() || options.isEmpty()) {
            return NONE;
        }
        List<String> ids = new java.util.ArrayList<>();
        List<String> names = new java.util.ArrayList<>();
        for (JsonNode option : options) {
            ids.add(option.path("id").asString());
            names.add(option.path("name").asString());
        }
        return new SelectOptions(ids, names);
    }

    /**
     * The option id that {@code idOrName} refers to, as the canonical (shared) string instance,
     * or {@code null} when it names no option.
     */
    String resolve(String idOrName) {
        String id = idsById.get(idOrName);
        return id != null ? id : idsByName.get(idOrName);
    }

    /** The name of the option with this id, or {@code null}. */
    String nameOf(String id) {
        return namesById.get(id);
    }

    int size() {
        return ids.size();
    }
}
