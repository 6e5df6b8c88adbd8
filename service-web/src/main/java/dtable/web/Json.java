package dtable.web;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The server's JSON mapper and body parsing with API errors. */
public final class Json {

    public static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    /** Parses a request body that must be a JSON object; a bad or empty body is a 400. */
    public static ObjectNode object(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("invalid_json", "request body must be a JSON object");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.badRequest("invalid_json", "request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.badRequest("invalid_json", "request body must be a JSON object");
        }
        return object;
    }

    public static ObjectNode newObject() {
        return MAPPER.createObjectNode();
    }

    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }
}
