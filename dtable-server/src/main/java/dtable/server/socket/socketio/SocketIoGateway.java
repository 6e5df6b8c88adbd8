package dtable.server.socket.socketio;

import dtable.server.socket.Refusal;
import dtable.server.socket.RoomSession;
import io.socket.engineio.server.EngineIoServer;
import io.socket.engineio.server.EngineIoServerOptions;
import io.socket.socketio.server.SocketIoNamespace;
import io.socket.socketio.server.SocketIoServer;
import io.socket.socketio.server.SocketIoSocket;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * socket.io v4 (Engine.IO v4, Socket.IO protocol v5) with SeaTable's events, the second thin adapter
 * over {@link RoomSession} (see {@code docs/api.md}, "SeaTable compatibility"):
 * <ul>
 *   <li>{@code join-room(dtable_uuid, token, ack)}: joins; the ack {@code {status: true, dtable_version}}
 *       comes from the session's sender, before any broadcast. A bad or read-less token, an invalid UUID
 *       or a missing base is refused in the ack ({@code {status: false, message}}); a base served
 *       elsewhere or unavailable closes the transport so the client reconnects (through the proxy,
 *       to the owner).</li>
 *   <li>{@code update-dtable(dtable_uuid, operationJson, ack)}: submitted with the ack as reference.</li>
 *   <li>{@code "leave room"}: leaves; the connection stays open.</li>
 * </ul>
 * Engine.IO's HTTP and WebSocket requests reach {@link #engine()} through {@link EngineIoServlet}.
 *
 * <p>Thread rules: socket.io calls the listeners from request threads (polling) or the WebSocket's
 * read thread; one connection's events come one at a time.
 */
public final class SocketIoGateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SocketIoGateway.class);

    private final EngineIoServer engine;
    private final RoomSession.Rooms rooms;
    private final ScheduledThreadPoolExecutor timers;

    public SocketIoGateway(RoomSession.Rooms rooms) {
        this.rooms = rooms;
        EngineIoServerOptions options = EngineIoServerOptions.newFromDefault();
        this.timers = pingTimers(options.getMaxTimeoutThreadPoolSize());
        options.setScheduledExecutorService(timers);
        this.engine = new EngineIoServer(options);
        SocketIoServer server = new SocketIoServer(engine);
        SocketIoNamespace namespace = server.namespace("/");
        namespace.on("connection", args -> connected((SocketIoSocket) args[0]));
    }

    /**
     * Engine.IO's ping and ping-timeout timers, as its own executor would run them, except that a cancelled
     * timer leaves the queue at once: every pong cancels two timers per socket, which otherwise stay queued
     * (with their tasks) until their time comes, 25 s later.
     */
    private static ScheduledThreadPoolExecutor pingTimers(int threads) {
        AtomicInteger count = new AtomicInteger();
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(threads, runnable -> {
            Thread thread = new Thread(runnable, "engineIo-timer-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true);
        return timers;
    }

    public EngineIoServer engine() {
        return engine;
    }

    private void connected(SocketIoSocket socket) {
        SocketIoTransport transport = new SocketIoTransport(socket);
        RoomSession session = new RoomSession(rooms, transport);
        // one listener for every event, not one per event name: each name costs the socket a map entry, a
        // queue and its nodes (~150 bytes), for as long as it is connected
        socket.registerAllEventListener((event, args) -> {
            switch (event) {
                case "join-room" -> join(socket, session, transport, args);
                case "update-dtable" -> update(session, transport, args);
                case "leave room" -> session.leave();
                default -> {
                    // not one of SeaTable's events: ignored, as socket.io does for events nobody listens to
                }
            }
        });
        socket.on("disconnect", args -> session.leave());
    }

    private static void join(SocketIoSocket socket, RoomSession session, SocketIoTransport transport, Object[] args) {
        SocketIoSocket.ReceivedByLocalAcknowledgementCallback ack = ackOf(args);
        String uuid = args.length > 0 && args[0] instanceof String s ? s : queryUuid(socket);
        String token = args.length > 1 && args[1] instanceof String s ? s : null;
        transport.expectJoin(ack);
        Optional<Refusal> refused = session.open(uuid, token);
        if (refused.isEmpty()) {
            return;
        }
        Refusal refusal = refused.get();
        switch (refusal.reason()) {
            case MOVED, UNAVAILABLE -> {
                log.debug("join-room of {} not served here ({}): closing the transport", uuid, refusal.message());
                transport.closeTransport();
            }
            default -> {
                if (ack != null) {
                    ack.sendAcknowledgement(SocketIoTransport.refusal(refusal.reason().name().toLowerCase(),
                            refusal.message()));
                }
            }
        }
    }

    private static void update(RoomSession session, SocketIoTransport transport, Object[] args) {
        SocketIoSocket.ReceivedByLocalAcknowledgementCallback ack = ackOf(args);
        if (!session.joined()) {
            if (ack != null) {
                ack.sendAcknowledgement(SocketIoTransport.refusal("not_joined", "join-room first"));
            }
            return;
        }
        long ref = transport.expect(ack);
        Object operation = args.length > 1 ? args[1] : null;
        session.submitJson(ref, operation instanceof String text ? text : operation == null ? null : operation.toString());
    }

    private static SocketIoSocket.ReceivedByLocalAcknowledgementCallback ackOf(Object[] args) {
        return args.length > 0 && args[args.length - 1] instanceof SocketIoSocket.ReceivedByLocalAcknowledgementCallback ack
                ? ack : null;
    }

    private static String queryUuid(SocketIoSocket socket) {
        return socket.getInitialQuery() == null ? null : socket.getInitialQuery().get("dtable_uuid");
    }

    /** Ends every session (node shutdown): their transports close and clients reconnect elsewhere. */
    @Override
    public void close() {
        engine.shutdown();
        timers.shutdownNow();
    }
}
