package dtable.server.socket.socketio;

import dtable.model.ClientOperations;
import dtable.server.socket.Ending;
import dtable.server.socket.Transport;
import io.socket.engineio.server.ReadyState;
import io.socket.socketio.server.SocketIoSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.json.JSONObject;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * SeaTable's socket.io framing of a room session: the join ack {@code {status: true,
 * dtable_version}}, acks {@code {status, dtable_version}} or {@code {status: false, message}} on the
 * socket.io ack of the client's {@code update-dtable}, the broadcast {@code update-dtable(opJson,
 * version)}, and {@code join-room(username)} / {@code leave-room(username)}.
 *
 * <p>Every ending closes the Engine.IO transport and never sends a Socket.IO DISCONNECT packet:
 * after a transport close the client reconnects to the same URL and compares versions at its next
 * join (it reloads when behind); after a DISCONNECT it would reconnect without that check.
 *
 * <p>Thread rules: the session's sender calls the transport methods; {@link #expect} and
 * {@link #expectJoin} are called by the socket.io event threads. Acks waiting for an answer live in
 * a concurrent map by reference.
 */
final class SocketIoTransport implements Transport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SocketIoSocket socket;
    private final AtomicLong nextRef = new AtomicLong();
    private final Map<Long, SocketIoSocket.ReceivedByLocalAcknowledgementCallback> acks = new ConcurrentHashMap<>();
    private volatile SocketIoSocket.ReceivedByLocalAcknowledgementCallback joinAck;

    SocketIoTransport(SocketIoSocket socket) {
        this.socket = socket;
    }

    /** Registers the ack callback of a client request; returns the reference the session answers. */
    long expect(SocketIoSocket.ReceivedByLocalAcknowledgementCallback ack) {
        long ref = nextRef.incrementAndGet();
        if (ack != null) {
            acks.put(ref, ack);
        }
        return ref;
    }

    void expectJoin(SocketIoSocket.ReceivedByLocalAcknowledgementCallback ack) {
        joinAck = ack;
    }

    @Override
    public void joined(String dtableUuid, long version) {
        SocketIoSocket.ReceivedByLocalAcknowledgementCallback ack = joinAck;
        joinAck = null;
        if (ack != null) {
            ack.sendAcknowledgement(new JSONObject().put("status", true).put("dtable_version", version));
        }
    }

    @Override
    public void update(long version, String operationJson, String author) {
        socket.send("update-dtable", clientShape(operationJson), version);
    }

    /**
     * The operation as SeaTable's client applies it ({@link ClientOperations}); only the node's own
     * shapes of three operation types differ, so everything else passes without being parsed.
     */
    static String clientShape(String operationJson) {
        if (!operationJson.contains("\"insert_column\"") && !operationJson.contains("\"insert_table\"")
                && !operationJson.contains("\"rename_table\"")) {
            return operationJson;
        }
        JsonNode parsed = JSON.readTree(operationJson);
        if (!(parsed instanceof ObjectNode logged)) {
            return operationJson;
        }
        ObjectNode shaped = ClientOperations.toClientShape(logged);
        return shaped == logged ? operationJson : JSON.writeValueAsString(shaped);
    }

    @Override
    public void ack(long ref, long version) {
        SocketIoSocket.ReceivedByLocalAcknowledgementCallback ack = acks.remove(ref);
        if (ack != null) {
            ack.sendAcknowledgement(new JSONObject().put("status", true).put("dtable_version", version));
        }
    }

    @Override
    public void refuse(Long ref, String errorType, String message) {
        SocketIoSocket.ReceivedByLocalAcknowledgementCallback ack = ref == null ? null : acks.remove(ref);
        if (ack != null) {
            ack.sendAcknowledgement(refusal(errorType, message));
        }
    }

    static JSONObject refusal(String errorType, String message) {
        return new JSONObject().put("status", false).put("error_type", errorType).put("message", message);
    }

    @Override
    public void presence(String event, String username) {
        socket.send(event, username);
    }

    @Override
    public void event(String event, Object data) {
        socket.send(event, data);
    }

    @Override
    public void end(Ending ending) {
        closeTransport();
    }

    /** Closes the Engine.IO connection (no Socket.IO DISCONNECT packet). */
    void closeTransport() {
        acks.clear();
        socket.getClient().getConnection().close();
    }

    @Override
    public boolean isOpen() {
        return socket.isConnected() && socket.getClient().getConnection().getReadyState() == ReadyState.OPEN;
    }
}
