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
import dtable.server.base.BaseUnavailableException;
import dtable.server.base.LoadedBase;
import dtable.server.base.NotServedHereException;
import dtable.server.cluster.Route;
import dtable.server.storage.BaseStore;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
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
 * {@link LoadedBase}; this class only translates frames.
 */
public final class DtableSocketHandler extends TextWebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(DtableSocketHandler.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CLIENT = "dtable.client";
    private static final String CLAIMS = "dtable.claims";

    private final BaseRegistry registry;
    private final BaseStore store;
    private final TokenService tokens;
    private final int queueCapacity;

    public DtableSocketHandler(BaseRegistry registry, BaseStore store, TokenService tokens, int queueCapacity) {
        this.registry = registry;
        this.store = store;
        this.tokens = tokens;
        this.queueCapacity = queueCapacity;
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
            transport.close(CloseCodes.BAD_REQUEST, e.getMessage());
            return;
        } catch (RuntimeException e) {
            transport.close(CloseCodes.UNAVAILABLE, "base unavailable: " + e.getMessage());
            return;
        }
        long version = base.durableVersion();
        SocketClient client = new SocketClient(uuid.value(), version, transport, store, queueCapacity);
        session.getAttributes().put(CLIENT, client);
        session.getAttributes().put(CLAIMS, claims);
        // joined is queued first; operations committed after the version was read are filled in from the log
        client.send("joined", null, Map.of("dtable_uuid", uuid.value(), "version", version));
        base.join(client);
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
        SocketClient client = (SocketClient) session.getAttributes().get(CLIENT);
        TokenClaims claims = (TokenClaims) session.getAttributes().get(CLAIMS);
        if (client == null) {
            return;
        }
        JsonNode frame;
        try {
            frame = JSON.readTree(message.getPayload());
        } catch (JacksonException e) {
            client.send("error", null, error("invalid_json", "frame is not valid JSON"));
            return;
        }
        String event = frame.path("event").asString("");
        long seq = frame.path("seq").asLong(0);
        JsonNode data = frame.path("data");
        switch (event) {
            case "update-dtable" -> update(client, claims, seq, data);
            case "sync" -> sync(client, data);
            case "ping" -> client.send("pong", null, Map.of());
            default -> client.send("error", seq == 0 ? null : seq, error("invalid_event", "unknown event: " + event));
        }
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
                client.send("error", seq, error("base_unavailable", "operation not saved: " + failure.getMessage()));
                return null;
            });
        } catch (OperationException e) {
            client.send("error", seq, error(e.errorType(), e.getMessage()));
        } catch (NotServedHereException | BaseUnavailableException e) {
            client.send("error", seq, error("base_unavailable", e.getMessage()));
        } catch (RuntimeException e) {
            log.warn("socket operation on {} failed", uuid, e);
            client.send("error", seq, error("internal_error", e.getClass().getSimpleName()));
        }
    }

    private void sync(SocketClient client, JsonNode data) {
        long from = data.path("from_version").asLong(-1);
        if (from < 0) {
            client.send("error", null, error("invalid_parameter", "sync needs data.from_version >= 0"));
            return;
        }
        registry.get(BaseUuid.parse(client.dtableUuid()))
                .ifPresentOrElse(base -> client.sync(from, base.durableVersion()),
                        () -> client.closeWith(CloseCodes.UNAVAILABLE, "base not loaded here", null));
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        SocketClient client = (SocketClient) session.getAttributes().get(CLIENT);
        if (client != null) {
            registry.get(BaseUuid.parse(client.dtableUuid())).ifPresent(base -> base.leave(client));
            client.closeWith(status.getCode(), "closed", null);
        }
    }

    private static ObjectNode error(String type, String message) {
        return JSON.createObjectNode().put("error_type", type).put("error_msg", message);
    }
}
