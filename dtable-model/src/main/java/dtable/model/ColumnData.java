package dtable.model;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validates and normalises a column's {@code data} for its type. Select columns need
 * {@code options: [{id, name, color?}]} with unique ids and unique non-blank names (ids are minted
 * for options that have none); rate columns accept {@code rate_max_number} from 1 to 10. Other keys
 * are kept as given (display settings the model does not interpret).
 */
final class ColumnData {

    /** Colours given to options that {@code modify_column_type} creates, in turn. */
    private static final List<String> PALETTE = List.of("#FFFCB5", "#FFEAB6", "#FFD9C8", "#E6FFCD", "#CDFFD7",
            "#D6F6FF", "#CFE8FF", "#E2DFFF", "#F9D7FF", "#DBDBDB");
    static final int MAX_RATE = 10;

    private ColumnData() {
    }

    /** The normalised copy of {@code data} for a column of {@code type}, or {@code null} for none. */
    static ObjectNode normalize(ColumnType type, JsonNode data, IdSource ids) {
        if (data == null || data.isNull() || data.isMissingNode()) {
            return null;
        }
        if (!data.isObject()) {
            throw OperationException.invalidOperation("column data must be a JSON object");
        }
        ObjectNode copy = (ObjectNode) data.deepCopy();
        if (type.isSelect() && copy.has("options") && !copy.get("options").isNull()) {
            copy.set("options", normalizeOptions(copy.get("options"), ids));
        }
        if (type == ColumnType.RATE && copy.has("rate_max_number")) {
            JsonNode max = copy.get("rate_max_number");
            if (!max.isIntegralNumber() || !max.canConvertToInt() || max.intValue() < 1 || max.intValue() > MAX_RATE) {
                throw OperationException.invalidOperation("rate_max_number must be an integer from 1 to " + MAX_RATE);
            }
        }
        return copy;
    }

    private static ArrayNode normalizeOptions(JsonNode options, IdSource ids) {
        if (!options.isArray()) {
            throw OperationException.invalidOperation("options must be a JSON array");
        }
        Set<String> names = new HashSet<>();
        Set<String> usedIds = new HashSet<>();
        for (JsonNode option : options) {
            JsonNode id = option.get("id");
            if (id != null && id.isString()) {
                usedIds.add(id.stringValue());
            }
        }
        ArrayNode normalized = JsonNodeFactory.instance.arrayNode(options.size());
        Set<String> assigned = new HashSet<>();
        for (JsonNode option : options) {
            if (!option.isObject()) {
                throw OperationException.invalidOperation("each option must be a JSON object");
            }
            ObjectNode copy = (ObjectNode) option.deepCopy();
            String name = OpFields.name(copy, "name");
            if (!names.add(name)) {
                throw OperationException.badRequest("duplicate_name", "two options are named \"" + name + "\"");
            }
            if (copy.has("color") && !copy.get("color").isNull() && !copy.get("color").isString()) {
                throw OperationException.invalidOperation("option color must be a string");
            }
            JsonNode given = copy.get("id");
            // an id proposed for this very option is "taken" only if an earlier option claimed it
            String optionId = ids.optionId(given, candidate -> assigned.contains(candidate)
                    || (usedIds.contains(candidate) && !(given != null && given.isString()
                    && given.stringValue().equals(candidate))));
            assigned.add(optionId);
            copy.put("id", optionId);
            normalized.add(copy);
        }
        return normalized;
    }

    /**
     * Data for a select column holding one option per given name (the caller caps the count),
     * ids minted by {@code ids}, colours from a fixed palette.
     */
    static ObjectNode optionsFor(Iterable<String> names, IdSource ids) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        ArrayNode options = data.putArray("options");
        Set<String> taken = new HashSet<>();
        int i = 0;
        for (String name : names) {
            String id = ids.optionId(null, taken::contains);
            taken.add(id);
            ObjectNode option = options.addObject();
            option.put("id", id);
            option.put("name", name);
            option.put("color", PALETTE.get(i++ % PALETTE.size()));
        }
        return data;
    }
}
