package dtable.model;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Reads fields of a raw operation, answering 400 {@code invalid_operation} for a wrong shape. */
final class OpFields {

    /** Longest table or column name accepted. */
    static final int MAX_NAME_LENGTH = 255;

    private OpFields() {
    }

    static boolean present(JsonNode op, String field) {
        JsonNode value = op.get(field);
        return value != null && !value.isNull();
    }

    /** A string field, or {@code null} when absent or JSON null. */
    static String optionalString(JsonNode op, String field) {
        JsonNode value = op.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw OperationException.invalidOperation(field + " must be a string");
        }
        return value.stringValue();
    }

    static String requiredString(JsonNode op, String field) {
        String value = optionalString(op, field);
        if (value == null) {
            throw OperationException.invalidOperation(field + " is required");
        }
        return value;
    }

    /** A table or column name: a non-blank string of at most {@value #MAX_NAME_LENGTH} characters. */
    static String name(JsonNode op, String field) {
        String name = requiredString(op, field);
        if (name.isBlank()) {
            throw OperationException.invalidOperation(field + " must not be blank");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw OperationException.invalidOperation(field + " is longer than " + MAX_NAME_LENGTH + " characters");
        }
        return name;
    }

    static ObjectNode requiredObject(JsonNode op, String field) {
        JsonNode value = op.get(field);
        if (value == null || !value.isObject()) {
            throw OperationException.invalidOperation(field + " must be a JSON object");
        }
        return (ObjectNode) value;
    }

    static ArrayNode requiredArray(JsonNode op, String field) {
        JsonNode value = op.get(field);
        if (value == null || !value.isArray()) {
            throw OperationException.invalidOperation(field + " must be a JSON array");
        }
        return (ArrayNode) value;
    }

    /** A non-empty array of strings. */
    static ArrayNode stringArray(JsonNode op, String field) {
        ArrayNode array = requiredArray(op, field);
        if (array.isEmpty()) {
            throw OperationException.invalidOperation(field + " must not be empty");
        }
        for (JsonNode item : array) {
            if (!item.isString()) {
                throw OperationException.invalidOperation(field + " must hold only strings");
            }
        }
        return array;
    }

    static ColumnType columnType(JsonNode op, String field) {
        String wireName = requiredString(op, field);
        ColumnType type = ColumnType.fromWireName(wireName);
        if (type == null) {
            throw OperationException.invalidOperation("unknown column type \"" + wireName + "\"");
        }
        return type;
    }
}
