package dtable.server.socket;

import dtable.core.error.ErrorBody;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The plain WebSocket framing of SPEC §8: one JSON text frame {@code {"event","seq"?,"data"}} per
 * event, and endings as close codes ({@link CloseCodes}), some preceded by a frame naming the reason.
 * The same framing runs on the servlet container ({@link #of(WebSocketSession)}) and on the write port's event
 * loops ({@link PortSockets}); only the {@link Wire} differs.
 */
final class WebSocketTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(WebSocketTransport.class);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One connection's text frames and close, as the server that carries it sends them. */
    interface Wire {
        /** Sends one text frame; returns once the connection took it, or throws when it cannot. */
        void send(String text) throws IOException;

        /** Sends a close frame with {@code code} and {@code reason} and ends the connection. Never throws. */
        void close(int code, String reason);

        boolean isOpen();

        /** {@link Transport#loop()}: the event loop of a wire whose sends never block; null for a blocking one. */
        default Executor loop() {
            return null;
        }

        /** {@link Transport#backedUp()}. */
        default boolean backedUp() {
            return false;
        }
    }

    private final String dtableUuid;
    private final Wire wire;

    WebSocketTransport(String dtableUuid, Wire wire) {
        this.dtableUuid = dtableUuid;
        this.wire = wire;
    }

    /** The framing on a servlet container's session: a send blocks until the container wrote the frame. */
    static WebSocketTransport of(WebSocketSession session) {
        String path = session.getUri() == null ? "" : session.getUri().getPath();
        return new WebSocketTransport(path.substring(path.lastIndexOf('/') + 1), new Wire() {
            @Override
            public void send(String text) throws IOException {
                session.sendMessage(new TextMessage(text));
            }

            @Override
            public void close(int code, String reason) {
                try {
                    session.close(new CloseStatus(code, reason));
                } catch (IOException ignored) {
                    // already gone
                }
            }

            @Override
            public boolean isOpen() {
                return session.isOpen();
            }
        });
    }

    @Override
    public void joined(String dtableUuid, long version) throws IOException {
        send("joined", null, Map.of("dtable_uuid", dtableUuid, "version", version));
    }

    @Override
    public synchronized void update(long version, String operationJson, String author) throws IOException {
        wire.send(UpdateFrame.of(version, operationJson, author));
    }

    /**
     * The {@code update-dtable} frame of one operation, built once for its whole room: every sender of
     * the room gets the same {@code operationJson} instance (serialised once, {@link Transport#update}) in
     * a row, so a memo of the last frame saves each recipient a copy of the operation and the author's
     * serialisation. A sender that sees another operation's memo builds its own frame (never a wrong one:
     * the memo is matched by the operation's identity and version).
     */
    private record UpdateFrame(long version, String operationJson, String author, String frame) {
        private static final AtomicReference<UpdateFrame> LAST = new AtomicReference<>();

        static String of(long version, String operationJson, String author) {
            UpdateFrame last = LAST.get();
            if (last != null && last.operationJson == operationJson && last.version == version
                    && Objects.equals(last.author, author)) {
                return last.frame;
            }
            StringBuilder frame = new StringBuilder(operationJson.length() + 80);
            frame.append("{\"event\":\"update-dtable\",\"data\":{\"version\":").append(version)
                    .append(",\"operation\":").append(operationJson)
                    .append(",\"author\":").append(JSON.writeValueAsString(author)).append("}}");
            UpdateFrame built = new UpdateFrame(version, operationJson, author, frame.toString());
            LAST.set(built);
            return built.frame;
        }
    }

    @Override
    public void ack(long ref, long version) throws IOException {
        send("ack", ref, Map.of("version", version));
    }

    @Override
    public void refuse(Long ref, String errorType, String message) throws IOException {
        send("error", ref, error(errorType, message));
    }

    @Override
    public void presence(String event, String username) {
        // not part of this framing
    }

    @Override
    public void event(String event, Object data) throws IOException {
        send(event, null, data);
    }

    @Override
    public void end(Ending ending) {
        try {
            switch (ending.reason()) {
                case MOVED -> {
                    ObjectNode data = JSON.createObjectNode();
                    data.put("node_url", ending.nodeUrl());
                    send("base-moved", null, data);
                }
                case DELETED -> send("base-deleted", null, Map.of("dtable_uuid", dtableUuid));
                case RELOAD -> send("error", null, error("sync_unavailable", ending.message()));
                case TOO_LARGE -> send("error", null, error("request_too_large", ending.message()));
                default -> {
                    // the close code says it all
                }
            }
        } catch (IOException | RuntimeException e) {
            // closing anyway; said, because the client then sees the close code without its frame
            log.info("socket of {}: the {} frame was not sent before closing: {}", dtableUuid, ending.reason(), e.toString());
        }
        close(code(ending.reason()), ending.message());
    }

    /** A refusal of {@link RoomSession#open}, as the close code of SPEC §8 (a base-moved frame first). */
    void refuseOpen(Refusal refusal) {
        if (refusal.reason() == Refusal.Reason.MOVED) {
            try {
                send("base-moved", null, Map.of("node_url", refusal.nodeUrl()));
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            }
        }
        int code = switch (refusal.reason()) {
            case BAD_UUID, ALREADY_JOINED -> CloseCodes.BAD_REQUEST;
            case TOKEN -> CloseCodes.TOKEN;
            case PERMISSION -> CloseCodes.PERMISSION;
            case MOVED -> CloseCodes.MOVED;
            case NOT_FOUND -> CloseCodes.NOT_FOUND;
            case UNAVAILABLE -> CloseCodes.UNAVAILABLE;
        };
        close(code, refusal.reason() == Refusal.Reason.MOVED && refusal.ownerId() != null
                ? "served by " + refusal.ownerId() : refusal.message());
    }

    private static int code(Ending.Reason reason) {
        return switch (reason) {
            case CLOSED -> CloseStatus.NORMAL.getCode();
            case MOVED -> CloseCodes.MOVED;
            case DELETED -> CloseCodes.NOT_FOUND;
            case TOO_SLOW -> CloseCodes.TOO_SLOW;
            case UNAVAILABLE -> CloseCodes.UNAVAILABLE;
            case RELOAD -> CloseCodes.RELOAD;
            case TOO_LARGE -> CloseStatus.TOO_BIG_TO_PROCESS.getCode();
            case TOKEN_EXPIRED -> CloseCodes.TOKEN;
            case SEND_FAILED -> CloseStatus.SERVER_ERROR.getCode();
        };
    }

    private synchronized void send(String event, Long seq, Object data) throws IOException {
        ObjectNode frame = JSON.createObjectNode();
        frame.put("event", event);
        if (seq != null) {
            frame.put("seq", seq);
        }
        frame.set("data", JSON.valueToTree(data));
        wire.send(JSON.writeValueAsString(frame));
    }

    private synchronized void close(int code, String reason) {
        String text = reason == null ? "" : reason;
        wire.close(code, text.length() > 120 ? text.substring(0, 120) : text);
    }

    @Override
    public boolean isOpen() {
        return wire.isOpen();
    }

    @Override
    public Executor loop() {
        return wire.loop();
    }

    @Override
    public boolean backedUp() {
        return wire.backedUp();
    }

    private static ObjectNode error(String type, String message) {
        return new ErrorBody(type, message).toObject();
    }
}
