package dtable.server.socket;

import java.io.IOException;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Plain WebSocket framing: one JSON text frame {@code {"event","seq"?,"data"}} per event. */
final class WebSocketTransport implements Transport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final WebSocketSession session;

    WebSocketTransport(WebSocketSession session) {
        this.session = session;
    }

    @Override
    public synchronized void send(String event, Long seq, Object data) throws IOException {
        ObjectNode frame = JSON.createObjectNode();
        frame.put("event", event);
        if (seq != null) {
            frame.put("seq", seq);
        }
        frame.set("data", JSON.valueToTree(data));
        session.sendMessage(new TextMessage(JSON.writeValueAsString(frame)));
    }

    @Override
    public synchronized void sendJson(String event, Long seq, String dataJson) throws IOException {
        StringBuilder frame = new StringBuilder(dataJson.length() + event.length() + 40);
        frame.append("{\"event\":").append(JSON.writeValueAsString(event));
        if (seq != null) {
            frame.append(",\"seq\":").append(seq.longValue());
        }
        frame.append(",\"data\":").append(dataJson).append('}');
        session.sendMessage(new TextMessage(frame));
    }

    @Override
    public synchronized void close(int code, String reason) {
        try {
            session.close(new CloseStatus(code, reason.length() > 120 ? reason.substring(0, 120) : reason));
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }
}
