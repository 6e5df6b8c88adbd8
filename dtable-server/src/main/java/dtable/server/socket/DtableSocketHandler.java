package dtable.server.socket;

import dtable.core.bucket.BaseUuid;
import dtable.core.bucket.InvalidBaseUuidException;
import dtable.core.token.TokenClaims;
import dtable.core.token.TokenException;
import dtable.core.token.TokenService;
import dtable.model.OperationException;
import dtable.server.api.Authorizer;
import dtable.server.base.BaseNotFoundException;
import dtable.server.base.BaseRegistry;
import dtable.server.base.BaseState;
import dtable.server.base.BaseUnavailableException;
import dtable.server.base.LoadedBase;
import dtable.server.base.NotServedHereException;
import dtable.server.cluster.Route;
import dtable.server.storage.BaseStore;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The real-time socket of SPEC §8 at {@code /socket/dtables/{uuid}?token=<jwt>}: JSON text frames
 * {@code {"event","seq"?,"data"}}. Rooms, ordering, acks and catch-up live in {@link SocketClient} and
 * {@link LoadedBase}; this class only checks the connection and translates frames.
 *
 * <p>Frames may arrive in WebSocket fragments; they are put together up to {@code maxFrameBytes}
 * (the server's {@code max_request_bytes}); a larger frame closes the connection with 1009.
 *
 * <p>Thread rules: the container calls each session's methods one at a time; sessions are independent.
 */
public final class DtableSocketHandler extends TextWebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(DtableSocketHandler.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CLIENT = "dtable.client";
    private static final String CLAIMS = "dtable.claims";
    private static final String PARTIAL = "dtable.partial";

    private final BaseRegistry registry;
    private final BaseStore store;
    private final TokenService tokens;
    private final int queueCapacity;
    private final long maxFrameBytes;

    /**
     * @param queueCapacity events a client may fall behind before it is closed with {@link CloseCodes#TOO_SLOW}
     * @param maxFrameBytes the largest client frame accepted (characters, after reassembly)
     */
    public DtableSocketHandler(BaseRegistry registry, BaseStore store, TokenService tokens, int queueCapacity,
            long maxFrameBytes) {
        this.registry = registry;
        this.store = store;
        this.tokens = tokens;
        this.queueCapacity = queueCapacity;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws IOException {
        URI uri = session.getUri();
        String path = uri == null ? "" : uri.getPath();
        String last = path.substring(path.lastIndexOf('/') + 1);
        BaseUuid uuid;
        try {
            uuid = BaseUuid.parse(last);
        } catch (InvalidBaseUuidException e) {
            session.close(new CloseStatus(CloseCodes.BAD_REQUEST, "invalid dtable_uuid"));
            return;
        }
        String token = uri == null ? null : UriComponentsBuilder.fromUri(uri).build().getQueryParams().getFirst("token");
        TokenClaims claims;
        try {
            claims = tokens.verify(token);
        } catch (TokenException e) {
            session.close(new CloseStatus(CloseCodes.TOKEN, e.getMessage()));
            return;
        }
        if (!claims.mayRead(uuid)) {
            session.close(new CloseStatus(CloseCodes.PERMISSION, "token does not grant this base"));
            return;
        }
        WebSocketTransport transport = new WebSocketTransport(session);
        LoadedBase base;
        try {
            base = registry.acquire(uuid);
        } catch (NotServedHereException e) {
            if (e.route() instanceof Route.Remote remote) {
                transport.send("base-moved", null, Map.of("node_url", remote.owner().nodeUrl()));
                transport.close(CloseCodes.MOVED, "served by " + remote.owner().nodeId());
            } else {
                transport.close(CloseCodes.UNAVAILABLE, e.getMessage());
            }
            return;
        } catch (BaseNotFoundException e) {
            transport.close(CloseCodes.NOT_FOUND, e.getMessage());
            return;
        } catch (RuntimeException e) {
            transport.close(CloseCodes.UNAVAILABLE, "base unavailable: " + e.getMessage());
            return;
        }
        SocketClient client = new SocketClient(uuid.value(), transport, store, queueCapacity);
        session.getAttributes().put(CLIENT, client);
        session.getAttributes().put(CLAIMS, claims);
        // join first, then read the version: an operation made durable in between is then either at or
        // below the joined version, or delivered to this client (SocketClient skips what joined covers)
        base.join(client);
        client.start(base.durableVersion());
        if (base.state() != BaseState.ACTIVE) {
            // the base left (moved, failed) while we joined: its room may have been told before we were in it
            base.leave(client);
            client.close(CloseCodes.UNAVAILABLE, "base is moving: reconnect");
        }
    }

    @Override
    public boolean supportsPartialMessages() {
        return true;
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
        SocketClient client = (SocketClient) session.getAttributes().get(CLIENT);
        if (client == null) {
            return;
        }
        Optional<String> whole = assemble(session, message);
        if (whole.isEmpty()) {
            return;
        }
        JsonNode frame;
        try {
            frame = JSON.readTree(whole.get());
        } catch (JacksonException e) {
            client.send("error", null, error("invalid_json", "frame is not valid JSON"));
            return;
        }
        if (!frame.isObject()) {
            client.send("error", null, error("invalid_json", "frame must be a JSON object"));
            return;
        }
        TokenClaims claims = (TokenClaims) session.getAttributes().get(CLAIMS);
        String event = frame.path("event").asString("");
        long seq = frame.path("seq").asLong(0);
        JsonNode data = frame.path("data");
        switch (event) {
            case "update-dtable" -> update(client, claims, seq, data);
            case "sync" -> sync(client, data);
            case "ping" -> client.send("pong", null, Map.of());
            default -> client.send("error", frame.has("seq") ? seq : null,
                    error("invalid_event", "unknown event: " + event));
        }
    }

    /** Puts fragments together; empty until the last one. Over the limit: closes with 1009. */
    private Optional<String> assemble(WebSocketSession session, TextMessage message) {
        StringBuilder partial = (StringBuilder) session.getAttributes().get(PARTIAL);
        if (partial == null && message.isLast()) {
            if (message.getPayload().length() > maxFrameBytes) {
                tooBig(session);
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
            tooBig(session);
            return Optional.empty();
        }
        if (!message.isLast()) {
            return Optional.empty();
        }
        session.getAttributes().remove(PARTIAL);
        return Optional.of(partial.toString());
    }

    private void tooBig(WebSocketSession session) {
        SocketClient client = (SocketClient) session.getAttributes().get(CLIENT);
        client.closeAfter("error", error("request_too_large", "frame is larger than max_request_bytes ("
                + maxFrameBytes + ")"), CloseStatus.TOO_BIG_TO_PROCESS.getCode(), "frame too large");
    }

    private void update(SocketClient client, TokenClaims claims, long seq, JsonNode operation) {
        BaseUuid uuid = BaseUuid.parse(client.dtableUuid());
        if (!claims.mayWrite(uuid)) {
            client.send("error", seq, error("permission_denied", "token is read-only for this base"));
            return;
        }
        if (!(operation instanceof ObjectNode)) {
            client.send("error", seq, error("invalid_operation", "data must be an operation object"));
            return;
        }
        try {
            LoadedBase base = registry.acquire(uuid);
            LoadedBase.Committed<Void> committed = base.execute(model -> operation, Authorizer.author(claims), "socket",
                    client, seq, null);
            committed.durable().exceptionally(failure -> {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                if (cause instanceof dtable.server.storage.OutcomeUnknownException) {
                    client.send("error", seq, error("outcome_unknown",
                            "the operation may or may not have been applied: " + cause.getMessage()));
                } else {
                    client.send("error", seq, error("base_unavailable", "operation not saved: " + cause.getMessage()));
                }
                return null;
            });
        } catch (OperationException e) {
            client.send("error", seq, error(e.errorType(), e.getMessage()));
        } catch (NotServedHereException | BaseUnavailableException | BaseNotFoundException e) {
            client.send("error", seq, error("base_unavailable", e.getMessage()));
        } catch (RuntimeException e) {
            log.warn("socket operation on {} failed", uuid, e);
            client.send("error", seq, error("internal_error", e.getClass().getSimpleName()));
        }
    }

    private void sync(SocketClient client, JsonNode data) {
        JsonNode from = data.path("from_version");
        if (!from.canConvertToLong() || from.asLong() < 0) {
            client.send("error", null, error("invalid_parameter", "sync needs data.from_version >= 0"));
            return;
        }
        Optional<LoadedBase> base = registry.get(BaseUuid.parse(client.dtableUuid()));
        if (base.isEmpty()) {
            client.close(CloseCodes.UNAVAILABLE, "base not loaded here: reconnect");
            return;
        }
        long durable = base.get().durableVersion();
        if (from.asLong() > durable) {
            client.send("error", null, error("invalid_parameter", "from_version " + from.asLong()
                    + " is after the base's version " + durable));
            return;
        }
        client.sync(from.asLong(), durable);
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        SocketClient client = (SocketClient) session.getAttributes().get(CLIENT);
        if (client != null) {
            registry.get(BaseUuid.parse(client.dtableUuid())).ifPresent(base -> base.leave(client));
            client.close(CloseStatus.NORMAL.getCode(), "closed");
        }
    }

    private static ObjectNode error(String type, String message) {
        return JSON.createObjectNode().put("error_type", type).put("error_msg", message);
    }
}
