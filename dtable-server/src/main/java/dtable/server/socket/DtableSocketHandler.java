package dtable.server.socket;

import java.net.URI;
import java.util.Optional;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;

/**
 * The real-time socket of SPEC §8 at {@code /socket/dtables/{uuid}?token=<jwt>}: JSON text frames
 * {@code {"event","seq"?,"data"}}, on the servlet container. A thin adapter: rooms, ordering, acks and catch-up
 * live in {@link RoomSession}, and the frames are read by {@link ClientFrames}; this class puts fragments together.
 *
 * <p>Frames may arrive in WebSocket fragments; they are put together up to {@code maxFrameBytes}
 * (the server's {@code max_request_bytes}); a larger frame closes the connection with 1009.
 *
 * <p>Thread rules: the container calls each session's methods one at a time; sessions are independent.
 */
public final class DtableSocketHandler extends TextWebSocketHandler {

    private static final String SESSION = "dtable.session";
    private static final String PARTIAL = "dtable.partial";

    private final RoomSession.Rooms rooms;
    private final long maxFrameBytes;

    /** @param maxFrameBytes the largest client frame accepted (characters, after reassembly) */
    public DtableSocketHandler(RoomSession.Rooms rooms, long maxFrameBytes) {
        this.rooms = rooms;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        URI uri = session.getUri();
        String path = uri == null ? "" : uri.getPath();
        String last = path.substring(path.lastIndexOf('/') + 1);
        String token = uri == null ? null : UriComponentsBuilder.fromUri(uri).build().getQueryParams().getFirst("token");
        WebSocketTransport transport = WebSocketTransport.of(session);
        RoomSession room = new RoomSession(rooms, transport);
        Optional<Refusal> refused = room.open(last, token);
        if (refused.isPresent()) {
            transport.refuseOpen(refused.get());
            return;
        }
        session.getAttributes().put(SESSION, room);
    }

    @Override
    public boolean supportsPartialMessages() {
        return true;
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
        RoomSession room = (RoomSession) session.getAttributes().get(SESSION);
        if (room == null) {
            return;
        }
        Optional<String> whole = assemble(session, room, message);
        if (whole.isEmpty()) {
            return;
        }
        JsonNode frame = ClientFrames.read(room, whole.get());
        if (frame != null) {
            ClientFrames.dispatch(room, frame, true);
        }
    }

    /** Puts fragments together; empty until the last one. Over the limit: closes with 1009. */
    private Optional<String> assemble(WebSocketSession session, RoomSession room, TextMessage message) {
        StringBuilder partial = (StringBuilder) session.getAttributes().get(PARTIAL);
        if (partial == null && message.isLast()) {
            if (message.getPayload().length() > maxFrameBytes) {
                tooBig(room);
                return Optional.empty();
            }
            return Optional.of(message.getPayload());
        }
        if (partial == null) {
            partial = new StringBuilder();
            session.getAttributes().put(PARTIAL, partial);
        }
        partial.append(message.getPayload());
        if (partial.length() > maxFrameBytes) {
            session.getAttributes().remove(PARTIAL);
            tooBig(room);
            return Optional.empty();
        }
        if (!message.isLast()) {
            return Optional.empty();
        }
        session.getAttributes().remove(PARTIAL);
        return Optional.of(partial.toString());
    }

    private void tooBig(RoomSession room) {
        ClientFrames.tooBig(room, maxFrameBytes);
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        RoomSession room = (RoomSession) session.getAttributes().get(SESSION);
        if (room != null) {
            room.leave();
        }
    }
}
