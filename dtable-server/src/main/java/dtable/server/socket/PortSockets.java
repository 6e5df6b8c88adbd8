package dtable.server.socket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The plain WebSocket of SPEC §8 ({@code /socket/dtables/{uuid}?token=}) on the write port's event loops: the same
 * frames, close codes, rooms and guarantees as the servlet container's socket ({@link DtableSocketHandler}), which
 * stays at the node's {@code local_node_url}. The framing is {@link WebSocketTransport}'s and the frames are read
 * by {@link ClientFrames}; only the server under them differs.
 *
 * <p>Nothing on a loop waits. Joining (token, and loading the base) runs on a virtual thread. A frame is run on
 * the loop unless its operation would wait ({@link RoomSession#submit(long, JsonNode, boolean)}); that frame and
 * every later one of the connection then run in order from a virtual thread, and the connection reads nothing
 * more until they are done. Acks and updates are sent by each client's sender ({@link SocketClient}) on the
 * connection's loop, up to Netty's write buffer (64 KiB) ahead of the client; past it the sender stops until the
 * client reads again, and what it did not send stays in the client's bounded queue. A client that stopped reading
 * is therefore dropped by the same rule as on the servlet container (4408 once its queue is full). A catch-up,
 * which reads the log, is sent from a virtual thread; there a send waits for a client that does not read at most
 * {@link #SEND_TIMEOUT}, as a blocking send on the servlet container does.
 *
 * <p>Thread rules: a connection's {@link Session} fields are touched on its loop only; the {@link Wire} is called
 * by the client's sender (one call at a time) and, before the client joined, by the loop.
 */
public final class PortSockets {

    private static final Logger log = LoggerFactory.getLogger(PortSockets.class);
    /** The path prefix (without its last slash, as Netty's handshake matches it). */
    static final String PATH = "/socket/dtables";
    /** How long a send waits for a client that does not read (Tomcat's default blocking send timeout). */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(20);

    private final RoomSession.Rooms rooms;
    private final long maxFrameChars;
    private final Duration sendTimeout;
    /** Joins, and frames whose operation would wait. */
    private final ExecutorService blocking = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("port-socket-", 0).factory());

    /** @param maxFrameChars the largest client frame accepted (characters; the server's {@code max_request_bytes}) */
    public PortSockets(RoomSession.Rooms rooms, long maxFrameChars) {
        this(rooms, maxFrameChars, SEND_TIMEOUT);
    }

    PortSockets(RoomSession.Rooms rooms, long maxFrameChars, Duration sendTimeout) {
        this.rooms = rooms;
        this.maxFrameChars = maxFrameChars;
        this.sendTimeout = sendTimeout;
    }

    /** Whether {@code path} is a socket's ({@code /socket/dtables/{uuid}}). */
    public static boolean isSocketPath(String path) {
        return path.startsWith(PATH + "/");
    }

    /**
     * Upgrades the connection of {@code ctx} with the WebSocket request {@code request} (a GET to a
     * {@link #isSocketPath socket path} asking for the upgrade). Call on the connection's loop from the handler of
     * {@code ctx}, which is removed: from here on the connection carries the socket's frames. Releases nothing;
     * the caller still owns {@code request}.
     */
    public void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        // a frame of maxFrameChars characters is at most 3 bytes a character in UTF-8, and is read and refused with an
        // error frame and 1009 (as on the servlet container); a larger one is refused unread: the decoder closes with
        // 1009 (or 1002, 1007 for other violations) without the error frame
        int maxFrameBytes = (int) Math.min(Integer.MAX_VALUE - 16, 3 * maxFrameChars + 16);
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(PATH).checkStartsWith(true).handleCloseFrames(true).dropPongFrames(true)
                .decoderConfig(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(maxFrameBytes)
                        .allowExtensions(false).closeOnProtocolViolation(true).build())
                .build();
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.addAfter(ctx.name(), "ws-protocol", new WebSocketServerProtocolHandler(config));
        pipeline.addAfter("ws-protocol", "ws-frames", new WebSocketFrameAggregator(maxFrameBytes));
        pipeline.addAfter("ws-frames", "ws-session", new Session());
        ctx.fireChannelRead(request.retain());
        pipeline.remove(ctx.handler());
    }

    /** One socket: its room session, and its frames in order. */
    private final class Session extends ChannelInboundHandlerAdapter {

        private final ArrayDeque<String> waiting = new ArrayDeque<>();
        private ChannelHandlerContext ctx;
        private Wire wire;
        /** Set once the client joined (on the loop); null before, and for a refused join. */
        private RoomSession room;
        /** A join or a frame runs off the loop: later frames wait in {@link #waiting}, and reading stops. */
        private boolean offLoop;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
                join(handshake.requestUri());
            }
            super.userEventTriggered(ctx, event);
        }

        private void join(String uri) {
            QueryStringDecoder query = new QueryStringDecoder(uri);
            String path = query.path();
            String uuid = QueryStringDecoder.decodeComponent(path.substring(path.lastIndexOf('/') + 1));
            List<String> tokens = query.parameters().get("token");
            String token = tokens == null || tokens.isEmpty() ? null : tokens.get(0);
            wire = new Wire(ctx.channel(), sendTimeout);
            WebSocketTransport transport = new WebSocketTransport(uuid, wire);
            RoomSession joining = new RoomSession(rooms, transport);
            pause();
            blocking.execute(() -> {
                Optional<Refusal> refused;
                try {
                    refused = joining.open(uuid, token);
                } catch (RuntimeException e) {
                    log.warn("socket of {} on the write port: joining failed", uuid, e);
                    refused = Optional.of(Refusal.of(Refusal.Reason.UNAVAILABLE, "joining failed: " + e));
                }
                Optional<Refusal> answer = refused;
                ctx.executor().execute(() -> joined(joining, transport, answer));
            });
        }

        private void joined(RoomSession joining, WebSocketTransport transport, Optional<Refusal> refused) {
            if (refused.isPresent()) {
                waiting.clear();
                transport.refuseOpen(refused.get());
                return;
            }
            room = joining;
            if (!ctx.channel().isActive()) {
                room.leave();
                return;
            }
            resume();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                switch (message) {
                    case TextWebSocketFrame text -> take(text.text());
                    case BinaryWebSocketFrame ignored -> wire.close(WebSocketCloseStatus.INVALID_MESSAGE_TYPE.code(),
                            "binary messages are not supported");
                    default -> {
                        // pings are answered and closes handled by the protocol handler before this one
                    }
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        private void take(String text) {
            if (offLoop || room == null) {
                waiting.add(text); // read before reading stopped: runs in its turn
            } else {
                run(text);
            }
        }

        /** Runs one whole frame on the loop, or hands it to a virtual thread when its operation would wait. */
        private void run(String text) {
            if (text.length() > maxFrameChars) {
                ClientFrames.tooBig(room, maxFrameChars);
                return;
            }
            JsonNode frame = ClientFrames.read(room, text);
            if (frame == null || ClientFrames.dispatch(room, frame, false)) {
                return;
            }
            pause();
            RoomSession session = room;
            blocking.execute(() -> {
                try {
                    ClientFrames.dispatch(session, frame, true);
                } catch (RuntimeException e) {
                    log.warn("socket frame on the write port failed", e);
                } finally {
                    ctx.executor().execute(this::resume);
                }
            });
        }

        private void pause() {
            offLoop = true;
            ctx.channel().config().setAutoRead(false);
        }

        /** Back on the loop: runs the frames that waited, in order, then reads again. */
        private void resume() {
            offLoop = false;
            String next;
            while (!offLoop && (next = waiting.poll()) != null) {
                run(next);
            }
            if (!offLoop) {
                ctx.channel().config().setAutoRead(true);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            if (wire != null) {
                wire.signal();
            }
            if (room != null && ctx.channel().isWritable()) {
                room.client().wake();
            }
            super.channelWritabilityChanged(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            waiting.clear();
            if (wire != null) {
                wire.signal();
            }
            if (room != null) {
                room.leave();
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (room != null && cause instanceof TooLongFrameException) {
                ClientFrames.tooBig(room, maxFrameChars); // fragments that add up to more than the limit
            } else {
                log.debug("socket on the write port {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
                ctx.close();
            }
        }
    }

    /**
     * One socket's frames out. A send returns once Netty took the frame; when the client is more than the write
     * buffer behind, it first waits (off the loop) until the client reads, at most the send timeout.
     */
    private static final class Wire implements WebSocketTransport.Wire {

        private final Channel channel;
        private final Duration sendTimeout;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition writable = lock.newCondition();
        private volatile boolean closing;

        Wire(Channel channel, Duration sendTimeout) {
            this.channel = channel;
            this.sendTimeout = sendTimeout;
        }

        @Override
        public void send(String text) throws IOException {
            awaitWritable();
            channel.writeAndFlush(new TextWebSocketFrame(text));
        }

        private void awaitWritable() throws IOException {
            if (!channel.isActive() || closing) {
                throw new ClosedChannelException();
            }
            if (channel.isWritable() || channel.eventLoop().inEventLoop()) {
                return;
            }
            long left = sendTimeout.toNanos();
            lock.lock();
            try {
                while (!channel.isWritable() && channel.isActive()) {
                    if (left <= 0) {
                        throw new SocketTimeoutException("the client read nothing for " + sendTimeout.toSeconds() + " s");
                    }
                    left = writable.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClosedChannelException();
            } finally {
                lock.unlock();
            }
            if (!channel.isActive()) {
                throw new ClosedChannelException();
            }
        }

        /** The channel's writability or liveness changed: wakes a waiting send. */
        void signal() {
            lock.lock();
            try {
                writable.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close(int code, String reason) {
            closing = true;
            channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
            // a client that does not read would keep the close frame (and the connection) waiting forever; the timer
            // goes with the connection, so that a closed one is not held for the timeout
            var force = channel.eventLoop().schedule(() -> channel.close(), sendTimeout.toNanos(), TimeUnit.NANOSECONDS);
            channel.closeFuture().addListener(closed -> force.cancel(false));
        }

        @Override
        public boolean isOpen() {
            return channel.isActive() && !closing;
        }

        @Override
        public Executor loop() {
            return channel.eventLoop();
        }

        @Override
        public boolean backedUp() {
            return !channel.isWritable();
        }
    }
}
