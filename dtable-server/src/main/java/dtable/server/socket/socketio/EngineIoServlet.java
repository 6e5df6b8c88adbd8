package dtable.server.socket.socketio;

import dtable.server.socket.HeaderNamesHidden;
import io.socket.engineio.server.Emitter;
import io.socket.engineio.server.EngineIoServer;
import io.socket.engineio.server.EngineIoWebSocket;
import io.socket.engineio.server.utils.ParseQS;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Engine.IO's HTTP side on the node's own port: long-polling requests go to
 * {@link EngineIoServer#handleRequest}, and a WebSocket upgrade on the same path is upgraded by the
 * servlet container's Jakarta WebSocket ({@link ServerContainer#upgradeHttpToWebSocket}) into an
 * {@link EngineIoWebSocket} the engine drives. Registered, async, at {@code /socket.io/*} and
 * {@code /api-gateway/socket.io/*}. Bodies over {@code max_request_bytes} were answered 413 by the
 * node's filter before they get here.
 */
public final class EngineIoServlet extends HttpServlet {

    private final transient EngineIoServer engine;
    private final int maxMessageBytes;

    /**
     * @param maxMessageBytes the largest WebSocket message read; above the operation limit, so an
     *                        operation over the limit is refused in its ack rather than by a 1009 close
     *                        (which makes the client resend it forever)
     */
    public EngineIoServlet(EngineIoServer engine, int maxMessageBytes) {
        this.engine = engine;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            ServerContainer container = (ServerContainer) request.getServletContext()
                    .getAttribute(ServerContainer.class.getName());
            if (container == null) {
                response.sendError(501, "WebSocket is not available");
                return;
            }
            ServerEndpointConfig config = ServerEndpointConfig.Builder.create(Bridge.class, request.getRequestURI())
                    .configurator(new ServerEndpointConfig.Configurator() {
                        @Override
                        public <T> T getEndpointInstance(Class<T> endpointClass) {
                            return endpointClass.cast(new Bridge(engine, maxMessageBytes));
                        }
                    }).build();
            try {
                // Engine.IO is given no connection headers (Adapter.getConnectionHeaders): Tomcat's copy is not kept
                container.upgradeHttpToWebSocket(new HeaderNamesHidden(request), response, config, Map.of());
            } catch (jakarta.websocket.DeploymentException e) {
                throw new ServletException(e);
            }
            return;
        }
        engine.handleRequest(request, response);
    }

    /** One WebSocket connection, as Engine.IO's {@link EngineIoWebSocket}. */
    static final class Bridge extends Endpoint {

        private final EngineIoServer engine;
        private final int maxMessageBytes;
        private volatile Adapter adapter;

        Bridge(EngineIoServer engine, int maxMessageBytes) {
            this.engine = engine;
            this.maxMessageBytes = maxMessageBytes;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            // partial handlers: the container's buffer stays small (ContainerBuffers) and a message is put
            // together here, up to maxMessageBytes; a Whole handler would make Tomcat allocate a buffer of
            // the whole limit (2 x max_request_bytes chars, 64 MiB) for every socket at its first message
            Adapter opened = new Adapter(session, maxMessageBytes);
            adapter = opened;
            session.addMessageHandler(String.class, (MessageHandler.Partial<String>) opened::text);
            session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) opened::binary);
            engine.handleWebSocket(opened);
        }

        @Override
        public void onClose(Session session, CloseReason closeReason) {
            Adapter opened = adapter;
            if (opened != null) {
                opened.emit("close");
            }
        }

        @Override
        public void onError(Session session, Throwable error) {
            Adapter opened = adapter;
            if (opened != null) {
                opened.emit("error", "websocket error", String.valueOf(error.getMessage()));
            }
        }
    }

    /**
     * Writes are serialised: the engine writes from its ping timer and from the session sender. Message
     * fragments arrive one at a time from the container's read thread.
     */
    static final class Adapter extends EngineIoWebSocket {

        /** No listeners. */
        private static final Object[] NONE = {};

        private final Session session;
        /**
         * Engine.IO's listeners on this connection, as pairs (event, listener), copied on every change.
         * {@link Emitter}'s own map of queues cost ~400 bytes per socket for the three listeners Engine.IO
         * adds ({@code message}, {@code close}, {@code error}) and never removes.
         */
        private volatile Object[] listening = NONE;
        /** Guards changes of {@link #listening} (not {@code this}: a write may hold that for a long time). */
        private final Object listeningLock = new Object();
        private final Map<String, String> query;
        private final int maxMessageBytes;
        /** The fragments of the message being read; container read thread only. */
        private StringBuilder text;
        private ByteArrayOutputStream binary;
        /**
         * A message went over the limit and the socket is closing: the fragments the container still
         * delivers are dropped (the last one would otherwise pass as a message of its own).
         */
        private boolean overLimit;

        Adapter(Session session, int maxMessageBytes) {
            this.session = session;
            this.maxMessageBytes = maxMessageBytes;
            this.query = ParseQS.decode(session.getQueryString());
        }

        @Override
        public Emitter on(String event, Listener fn) {
            synchronized (listeningLock) {
                Object[] now = listening;
                Object[] more = Arrays.copyOf(now, now.length + 2);
                more[now.length] = event;
                more[now.length + 1] = fn;
                listening = more;
            }
            return this;
        }

        @Override
        public Emitter off() {
            listening = NONE;
            return this;
        }

        @Override
        public Emitter off(String event) {
            return remove(event, null);
        }

        @Override
        public Emitter off(String event, Listener fn) {
            return remove(event, fn);
        }

        /** Removes {@code event}'s listeners: all of them ({@code fn} null) or the first that is {@code fn}. */
        private Emitter remove(String event, Listener fn) {
            synchronized (listeningLock) {
                Object[] now = listening;
                List<Object> kept = new ArrayList<>(now.length);
                boolean removedOne = false;
                for (int i = 0; i < now.length; i += 2) {
                    Listener listener = (Listener) now[i + 1];
                    boolean match = now[i].equals(event) && (fn == null || !removedOne && listener.equals(fn));
                    if (match) {
                        removedOne = true;
                    } else {
                        kept.add(now[i]);
                        kept.add(listener);
                    }
                }
                listening = kept.isEmpty() ? NONE : kept.toArray();
            }
            return this;
        }

        @Override
        public Emitter emit(String event, Object... args) {
            Object[] now = listening;
            for (int i = 0; i < now.length; i += 2) {
                if (now[i].equals(event)) {
                    try {
                        ((Listener) now[i + 1]).call(args);
                    } catch (Exception ignored) {
                        // as Emitter: one listener's failure does not stop the others
                    }
                }
            }
            return this;
        }

        @Override
        public List<Listener> listeners(String event) {
            Object[] now = listening;
            List<Listener> found = new ArrayList<>();
            for (int i = 0; i < now.length; i += 2) {
                if (now[i].equals(event)) {
                    found.add((Listener) now[i + 1]);
                }
            }
            return Collections.unmodifiableList(found);
        }

        @Override
        public boolean hasListeners(String event) {
            return !listeners(event).isEmpty();
        }

        void text(String part, boolean last) {
            if (overLimit) {
                return;
            }
            if (last && text == null) {
                emit("message", part);
                return;
            }
            if (text == null) {
                text = new StringBuilder(part.length() * 2);
            }
            text.append(part);
            if (text.length() > maxMessageBytes) {
                text = null;
                tooBig();
            } else if (last) {
                String whole = text.toString();
                text = null;
                emit("message", whole);
            }
        }

        void binary(ByteBuffer part, boolean last) {
            if (overLimit) {
                return;
            }
            if (binary == null) {
                binary = new ByteArrayOutputStream(part.remaining());
            }
            byte[] bytes = new byte[part.remaining()];
            part.get(bytes);
            binary.writeBytes(bytes);
            if (binary.size() > maxMessageBytes) {
                binary = null;
                tooBig();
            } else if (last) {
                byte[] whole = binary.toByteArray();
                binary = null;
                emit("message", (Object) whole);
            }
        }

        private void tooBig() {
            overLimit = true;
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.TOO_BIG, "message over " + maxMessageBytes + " bytes"));
            } catch (IOException ignored) {
                // already closed
            }
        }

        @Override
        public Map<String, String> getQuery() {
            return query;
        }

        @Override
        public Map<String, List<String>> getConnectionHeaders() {
            return Map.of();
        }

        @Override
        public synchronized void write(String message) throws IOException {
            session.getBasicRemote().sendText(message);
        }

        @Override
        public synchronized void write(byte[] message) throws IOException {
            session.getBasicRemote().sendBinary(ByteBuffer.wrap(message));
        }

        @Override
        public void close() {
            try {
                session.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
