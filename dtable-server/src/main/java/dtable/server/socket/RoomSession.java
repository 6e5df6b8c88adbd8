package dtable.server.socket;

import dtable.core.bucket.BaseUuid;
import dtable.core.bucket.InvalidBaseUuidException;
import dtable.core.token.TokenClaims;
import dtable.core.token.TokenException;
import dtable.core.token.TokenService;
import dtable.model.Base;
import dtable.model.OperationException;
import dtable.core.error.BaseNotFoundException;
import dtable.server.base.BaseRegistry;
import dtable.server.base.BaseState;
import dtable.core.error.BaseUnavailableException;
import dtable.server.base.LoadedBase;
import dtable.server.base.NotServedHereException;
import dtable.server.base.RoomListener;
import dtable.server.base.RowLimit;
import dtable.server.cluster.Route;
import dtable.server.storage.OutcomeUnknownException;
import dtable.web.Authorizer;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One client's membership of one base's room, independent of framing (SPEC §8): {@link #open} joins
 * it (or refuses, with a {@link Refusal.Reason}), {@link #submit} runs an operation and answers its
 * ack reference only once the operation is durable, {@link #sync} replays what the client missed,
 * {@link #leave} ends it. What the client is told goes through its {@link Transport}, from the
 * {@link SocketClient} sender, in version order with no gaps and no echo of its own operations.
 *
 * <p>A resent operation (at-least-once after a reconnect) whose first copy is already in the base
 * is answered as done at the current version instead of being refused or applied twice
 * ({@link Resends}).
 *
 * <p>Thread rules: an adapter calls one session's methods one at a time (each connection's events
 * arrive in order); sessions are independent.
 */
public final class RoomSession {

    private static final Logger log = LoggerFactory.getLogger(RoomSession.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What every session of a node shares; {@code rowLimit} is the node's {@code base_writable_limit}. */
    public record Rooms(BaseRegistry registry, SocketClient.LogReader logReader, TokenService tokens,
            int queueCapacity, long maxOperationBytes, Presence presence, RowLimit rowLimit) {

        public Rooms(BaseRegistry registry, SocketClient.LogReader logReader, TokenService tokens, int queueCapacity,
                long maxOperationBytes, RowLimit rowLimit) {
            this(registry, logReader, tokens, queueCapacity, maxOperationBytes, new Presence(), rowLimit);
        }

        /** Without a row limit. */
        public Rooms(BaseRegistry registry, SocketClient.LogReader logReader, TokenService tokens, int queueCapacity,
                long maxOperationBytes) {
            this(registry, logReader, tokens, queueCapacity, maxOperationBytes, RowLimit.NONE);
        }
    }

    private final Rooms rooms;
    private final Transport transport;
    private volatile SocketClient client;
    private TokenClaims claims;
    private BaseUuid uuid;
    private boolean left;
    /** Counted in {@link Presence}: the leave must count it out. */
    private boolean present;

    public RoomSession(Rooms rooms, Transport transport) {
        this.rooms = rooms;
        this.transport = transport;
    }

    /**
     * Checks the token and joins the base's room. On success the transport's {@code joined} comes
     * first, from the sender, followed by every operation after that version.
     *
     * @return empty when joined, else why not (nothing is sent; the adapter answers the refusal)
     */
    public synchronized Optional<Refusal> open(String dtableUuid, String token) {
        if (client != null) {
            return Optional.of(Refusal.of(Refusal.Reason.ALREADY_JOINED, "this connection is already in a room"));
        }
        BaseUuid id;
        try {
            id = BaseUuid.parse(dtableUuid == null ? "" : dtableUuid);
        } catch (InvalidBaseUuidException e) {
            return Optional.of(Refusal.of(Refusal.Reason.BAD_UUID, "invalid dtable_uuid"));
        }
        TokenClaims verified;
        try {
            verified = rooms.tokens().verify(token);
        } catch (TokenException e) {
            return Optional.of(Refusal.of(Refusal.Reason.TOKEN, e.getMessage()));
        }
        if (!verified.mayRead(id)) {
            return Optional.of(Refusal.of(Refusal.Reason.PERMISSION, "token does not grant this base"));
        }
        LoadedBase base;
        try {
            base = rooms.registry().acquire(id);
        } catch (NotServedHereException e) {
            if (e.route() instanceof Route.Remote remote) {
                return Optional.of(new Refusal(Refusal.Reason.MOVED, "served by " + remote.owner().nodeId(),
                        remote.owner().nodeUrl(), remote.owner().nodeId()));
            }
            return Optional.of(Refusal.of(Refusal.Reason.UNAVAILABLE, e.getMessage()));
        } catch (BaseNotFoundException e) {
            return Optional.of(Refusal.of(Refusal.Reason.NOT_FOUND, e.getMessage()));
        } catch (RuntimeException e) {
            return Optional.of(Refusal.of(Refusal.Reason.UNAVAILABLE, "base unavailable: " + e.getMessage()));
        }
        SocketClient joined = new SocketClient(id.value(), transport, rooms.logReader(), rooms.queueCapacity());
        joined.expireAt(verified.expiresAt());
        this.uuid = id;
        this.claims = verified;
        this.client = joined;
        // join first, then read the version: an operation made durable in between is then either at or
        // below the joined version, or delivered to this client (SocketClient skips what joined covers)
        base.join(joined);
        joined.start(base.durableVersion());
        if (base.state() != BaseState.ACTIVE) {
            // the base left (moved, failed) while we joined: its room may have been told before we were in it
            base.leave(joined);
            joined.end(Ending.of(Ending.Reason.UNAVAILABLE, "base is moving: reconnect"));
            return Optional.empty();
        }
        present = true;
        rooms.presence().join(id.value(), username(), () -> announce(base, "join-room"));
        return Optional.empty();
    }

    /** Whether {@link #open} joined a room. */
    public boolean joined() {
        return client != null;
    }

    /** The sender of this session (null before {@link #open} joined). */
    public SocketClient client() {
        return client;
    }

    /**
     * An operation as JSON text (socket.io sends it as a string): over {@code maxOperationBytes}
     * characters, or not a JSON object, it is refused in its ack; otherwise as {@link #submit}.
     */
    public void submitJson(long ref, String operationJson) {
        SocketClient sender = requireJoined();
        if (sender == null) {
            return;
        }
        if (operationJson == null) {
            sender.refuse(ref, "invalid_operation", "the operation must be a JSON string");
            return;
        }
        if (operationJson.length() > rooms.maxOperationBytes()) {
            sender.refuse(ref, "request_too_large", "operation is larger than max_request_bytes ("
                    + rooms.maxOperationBytes() + ")");
            return;
        }
        JsonNode operation;
        try {
            operation = JSON.readTree(operationJson);
        } catch (JacksonException e) {
            sender.refuse(ref, "invalid_json", "operation is not valid JSON");
            return;
        }
        submit(ref, operation);
    }

    /**
     * Runs one operation. The ack {@code ref} is answered once it is durable, in its place in the
     * version stream; a refusal changes nothing.
     */
    public void submit(long ref, JsonNode operation) {
        submit(ref, operation, true);
    }

    /**
     * {@link #submit(long, JsonNode)}; with {@code mayBlock} false (a caller on an event loop) it does nothing and
     * returns false when the write would wait: for the base's lane, for the base to load, or to look whether a
     * refused operation was a resend. The caller then calls again from a thread that may wait.
     *
     * @return whether the operation was submitted or answered
     */
    public boolean submit(long ref, JsonNode operation, boolean mayBlock) {
        SocketClient sender = requireJoined();
        if (sender == null) {
            return true;
        }
        if (!claims.mayWrite(uuid)) {
            sender.refuse(ref, "permission_denied", "token is read-only for this base");
            return true;
        }
        if (!(operation instanceof ObjectNode)) {
            sender.refuse(ref, "invalid_operation", "data must be an operation object");
            return true;
        }
        LoadedBase base;
        try {
            base = mayBlock ? rooms.registry().acquire(uuid) : rooms.registry().active(uuid);
        } catch (NotServedHereException | BaseUnavailableException | BaseNotFoundException e) {
            sender.refuse(ref, "base_unavailable", e.getMessage());
            return true;
        }
        if (base == null) {
            return false;
        }
        try {
            Function<Base, JsonNode> command = rooms.rowLimit().guard(model -> operation);
            LoadedBase.Committed<Void> committed = mayBlock
                    ? base.execute(command, Authorizer.author(claims), "socket", sender, ref, null)
                    : base.tryExecute(command, Authorizer.author(claims), "socket", sender, ref, null);
            if (committed == null) {
                return false;
            }
            committed.durable().exceptionally(failure -> {
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                if (cause instanceof OutcomeUnknownException) {
                    sender.refuse(ref, "outcome_unknown",
                            "the operation may or may not have been applied: " + cause.getMessage());
                } else {
                    sender.refuse(ref, "base_unavailable", "operation not saved: " + cause.getMessage());
                }
                return null;
            });
        } catch (OperationException e) {
            if (!mayBlock) {
                return false; // refused, nothing applied: looking for a resend reads the base, which may wait
            }
            OptionalLong done = Resends.alreadyApplied(base, operation);
            if (done.isPresent()) {
                sender.ackNow(ref, done.getAsLong());
            } else {
                sender.refuse(ref, e.errorType(), e.getMessage());
            }
        } catch (BaseUnavailableException | NotServedHereException e) {
            sender.refuse(ref, "base_unavailable", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("socket operation on {} failed", uuid, e);
            sender.refuse(ref, "internal_error", e.getClass().getSimpleName());
        }
        return true;
    }

    /**
     * Replays every operation after {@code fromVersion}, then continues live. A version after the
     * base's is refused; a base no longer loaded here ends the session so the client reconnects.
     */
    public void sync(long fromVersion) {
        SocketClient sender = requireJoined();
        if (sender == null) {
            return;
        }
        if (fromVersion < 0) {
            sender.refuse(null, "invalid_parameter", "sync needs data.from_version >= 0");
            return;
        }
        Optional<LoadedBase> base = rooms.registry().get(uuid);
        if (base.isEmpty()) {
            sender.end(Ending.of(Ending.Reason.UNAVAILABLE, "base not loaded here: reconnect"));
            return;
        }
        long durable = base.get().durableVersion();
        if (fromVersion > durable) {
            sender.refuse(null, "invalid_parameter", "from_version " + fromVersion
                    + " is after the base's version " + durable);
            return;
        }
        sender.sync(fromVersion, durable);
    }

    /** Ends the session with {@code ending} (the adapter decides how its framing says it). */
    public void end(Ending ending) {
        SocketClient sender = client;
        if (sender != null) {
            sender.end(ending);
        }
    }

    /** Leaves the room (the client left or the connection closed); idempotent. */
    public synchronized void leave() {
        SocketClient sender = client;
        if (sender == null || left) {
            return;
        }
        left = true;
        Optional<LoadedBase> base = rooms.registry().get(uuid);
        base.ifPresent(b -> b.leave(sender));
        sender.end(Ending.of(Ending.Reason.CLOSED, "closed"));
        if (present) {
            rooms.presence().leave(uuid.value(), username(), () -> base.ifPresent(b -> announce(b, "leave-room")));
        }
    }

    private SocketClient requireJoined() {
        SocketClient sender = client;
        if (sender == null) {
            log.debug("event before join: ignored");
        }
        return sender;
    }

    private String username() {
        return claims.username() == null ? "" : claims.username();
    }

    /**
     * Tells the other members of the room that this client's user joined or left: called by
     * {@link Presence} for a user's first join and last leave only.
     */
    private void announce(LoadedBase base, String event) {
        String username = username();
        for (RoomListener member : base.room()) {
            if (member != client && member instanceof SocketClient other) {
                other.presence(event, username);
            }
        }
    }
}
