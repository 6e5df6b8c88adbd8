package dtable.core.error;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * SPEC §7's error body {@code {"error_type": "...", "error_msg": "..."}}, built in this one place for
 * every service (servlet, reactive proxy, socket frames). Without Spring.
 */
public record ErrorBody(String errorType, String errorMsg) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public ErrorBody(ErrorType type, String errorMsg) {
        this(type.wireName(), errorMsg);
    }

    /** The body as a JSON object, to which a caller may add fields (e.g. {@code node_url}). */
    public ObjectNode toObject() {
        return JSON.createObjectNode().put("error_type", errorType).put("error_msg", errorMsg);
    }

    /** The body as JSON text. */
    public String toJson() {
        return JSON.writeValueAsString(toObject());
    }

    public static String json(String errorType, String errorMsg) {
        return new ErrorBody(errorType, errorMsg).toJson();
    }

    public static String json(ErrorType type, String errorMsg) {
        return new ErrorBody(type, errorMsg).toJson();
    }
}
