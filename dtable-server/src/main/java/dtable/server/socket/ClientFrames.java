package dtable.server.socket;

import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a client sends on the plain WebSocket of SPEC §8, read and handed to its {@link RoomSession}: one JSON
 * text frame {@code {"event","seq"?,"data"}} each, whose {@code seq} is the ack reference. The servlet
 * container's socket ({@link DtableSocketHandler}) and the write port's ({@link PortSockets}) both use it, so
 * both answer every frame alike.
 */
final class ClientFrames {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ClientFrames() {
    }

    /** A whole frame of {@code maxFrameChars} or fewer, read; null when it was refused (answered already). */
    static JsonNode read(RoomSession room, String text) {
        JsonNode frame;
        try {
            frame = JSON.readTree(text);
        } catch (JacksonException e) {
            room.client().refuse(null, "invalid_json", "frame is not valid JSON");
            return null;
        }
        if (!frame.isObject()) {
            room.client().refuse(null, "invalid_json", "frame must be a JSON object");
            return null;
        }
        return frame;
    }

    /**
     * Runs one frame read by {@link #read}. With {@code mayBlock} false (an event loop) it does nothing and returns
     * false when its operation would wait ({@link RoomSession#submit(long, JsonNode, boolean)}); the caller then
     * runs it again, and the frames after it, from a thread that may wait.
     */
    static boolean dispatch(RoomSession room, JsonNode frame, boolean mayBlock) {
        String event = frame.path("event").asString("");
        long seq = frame.path("seq").asLong(0);
        JsonNode data = frame.path("data");
        switch (event) {
            case "update-dtable" -> {
                return room.submit(seq, data, mayBlock);
            }
            case "sync" -> sync(room, data);
            case "ping" -> room.client().event("pong", Map.of());
            default -> room.client().refuse(frame.has("seq") ? seq : null, "invalid_event", "unknown event: " + event);
        }
        return true;
    }

    private static void sync(RoomSession room, JsonNode data) {
        JsonNode from = data.path("from_version");
        if (!from.canConvertToLong() || from.asLong() < 0) {
            room.client().refuse(null, "invalid_parameter", "sync needs data.from_version >= 0");
            return;
        }
        room.sync(from.asLong());
    }

    /** Ends {@code room}'s session for a frame over the limit: an error frame, then close 1009. */
    static void tooBig(RoomSession room, long maxFrameChars) {
        room.end(Ending.of(Ending.Reason.TOO_LARGE, "frame is larger than max_request_bytes (" + maxFrameChars + ")"));
    }
}
