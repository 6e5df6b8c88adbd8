package dtable.server.api;

import dtable.core.error.ErrorType;
import dtable.server.api.RowsController.RowWrite;
import dtable.server.base.LoadedBase;
import dtable.server.socket.PortSockets;
import dtable.web.ErrorAdvice;
import dtable.web.NodeHeaderFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;

/**
 * The write port: the six row writes ({@link RowsController#writes()}) on a Netty event loop, answered from the
 * group commit's callback, so that no thread waits for a commit and a write costs no servlet request
 * (docs/architecture.md, "The write port"). The proxy sends these writes here when the node registered a
 * {@code write_url}; anything else gets 404 and belongs on {@code local_node_url}.
 *
 * <p>The write is the servlet path's: the same token check, body parsing, {@link BaseAccess#submit}, lane, log
 * writer and fence; the same answers, error answers included ({@link NodeErrorAdvice#answer}), the same
 * {@code X-Dtable-Node} and {@code X-Dtable-Version} headers, the same {@code max_request_bytes} and the same
 * {@code http.server.requests} timers. Nothing on the loop waits: a base that must be loaded first, or whose lane
 * another thread holds, is written from a virtual thread. An operation not durable within
 * {@link LoadedBase#DURABILITY_TIMEOUT} is answered 504 {@code outcome_unknown}, as on the servlet path.
 *
 * <p>Each connection answers its requests in the order they came (HTTP/1.1 pipelining), whatever order their
 * commits complete in. Idle connections are closed after {@link #IDLE}.
 *
 * <p>The port also serves the plain WebSocket of SPEC §8 at {@code /socket/dtables/{uuid}} ({@link PortSockets}),
 * the socket path's writes, when it is given the node's rooms; a connection upgraded to it is the socket's from
 * then on, and is not closed for being idle.
 */
public final class WritePort implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WritePort.class);
    private static final String PREFIX = "/api/v1/dtables/";
    /** Connections that neither send nor wait for anything this long are closed (Tomcat's default is 60 s too). */
    static final Duration IDLE = Duration.ofSeconds(60);
    /** How long a connection refused before its request was read whole (413, 400) goes on reading and dropping. */
    static final Duration LINGER = Duration.ofSeconds(2);

    private final BaseAccess access;
    private final String nodeId;
    private final long maxRequestBytes;
    private final RequestTimers timers;
    private final Duration durabilityTimeout;
    private final RowWriteRoutes routes;
    /** The WebSocket at {@code /socket/dtables/}; null: the port serves no sockets. */
    private final PortSockets sockets;
    private final EventLoopGroup loops;
    /** Writes that may block: a base to load, a lane another thread holds. */
    private final ExecutorService blocking = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("write-port-blocking-", 0).factory());
    private final Channel server;

    /**
     * Binds {@code host:port} at once.
     *
     * @param sockets the WebSocket it serves too; null for none
     * @param loops how many event loops (each one thread)
     */
    public WritePort(BaseAccess access, RowsController rows, PortSockets sockets, String nodeId, long maxRequestBytes,
            MeterRegistry meters, String host, int port, int loops) throws InterruptedException {
        this(access, rows, sockets, nodeId, maxRequestBytes, meters, host, port, loops, LoadedBase.DURABILITY_TIMEOUT);
    }

    WritePort(BaseAccess access, RowsController rows, PortSockets sockets, String nodeId, long maxRequestBytes,
            MeterRegistry meters, String host, int port, int loops, Duration durabilityTimeout)
            throws InterruptedException {
        this.access = access;
        this.sockets = sockets;
        this.nodeId = nodeId;
        this.maxRequestBytes = maxRequestBytes;
        this.timers = new RequestTimers(meters);
        this.durabilityTimeout = durabilityTimeout;
        this.routes = new RowWriteRoutes(rows.writes());
        this.loops = new MultiThreadIoEventLoopGroup(loops, new DefaultThreadFactory("write-port", true),
                NioIoHandler.newFactory());
        try {
            server = new ServerBootstrap().group(this.loops).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE.toSeconds(), TimeUnit.SECONDS),
                                    new HttpServerCodec(), new BodyLimit(), new Connection());
                        }
                    }).bind(new InetSocketAddress(host, port)).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        log.info("write port listening on {}:{} ({} event loops)", host, port, loops);
    }

    /** The bound port (for {@code write_port} 0 in tests). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        blocking.close();
    }

    /** Bodies over {@code max_request_bytes}: 413 {@code request_too_large}, as the servlet path answers them. */
    private final class BodyLimit extends HttpObjectAggregator {

        BodyLimit() {
            super((int) Math.min(maxRequestBytes, Integer.MAX_VALUE));
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            // nothing more of this connection is read as requests: the 413 is its last answer, after the answers
            // still owed to the requests before it
            ctx.pipeline().addFirst(new Linger());
            ctx.fireUserEventTriggered(new Oversized((HttpRequest) oversized, System.nanoTime()));
        }
    }

    /** A request whose body is over {@code max_request_bytes}: {@link BodyLimit} tells {@link Connection}. */
    private record Oversized(HttpRequest request, long startNanos) {
    }

    /**
     * The end of a connection whose request was refused before it was read whole (too large, malformed). Closing
     * a socket with unread bytes resets it, and a client that is still sending may lose the answer to that reset
     * before it reads it. So the answer goes out with a FIN, and what the client still sends is read and dropped
     * until it closes, or for {@link #LINGER} at most (nginx's lingering close does the same).
     */
    private static final class Linger extends ChannelInboundHandlerAdapter {

        static void afterAnswer(ChannelFuture written) {
            Channel channel = written.channel();
            if (!written.isSuccess()) {
                channel.close();
                return;
            }
            ((SocketChannel) channel).shutdownOutput();
            channel.eventLoop().schedule(() -> channel.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ReferenceCountUtil.release(message);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // nothing after this handler reads again
        }
    }

    /** One request on its way: answered once, written in the order the requests came. */
    private static final class Pending {
        final String method;
        final String pattern;
        /** The request's: an HTTP/1.0 client that asked for keep-alive gets an HTTP/1.0 answer that says so. */
        final HttpVersion version;
        final boolean keepAlive;
        final long startNanos;
        /** The connection ends with this answer as {@link Linger} ends it, not at once. */
        boolean linger;
        FullHttpResponse answer;

        Pending(String method, String pattern, HttpVersion version, boolean keepAlive, long startNanos) {
            this.method = method;
            this.pattern = pattern;
            this.version = version;
            this.keepAlive = keepAlive;
            this.startNanos = startNanos;
        }
    }

    /** One client connection; everything but the commit's callback and a blocking write runs on its loop. */
    private final class Connection extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final ArrayDeque<Pending> pending = new ArrayDeque<>();
        private ChannelHandlerContext ctx;
        private boolean timeoutScheduled;
        /**
         * An answer that ends the connection is queued: requests after it are not processed (RFC 9112 §9.6), so
         * no write is committed whose answer would never be sent.
         */
        private boolean closing;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (closing) {
                return;
            }
            long start = System.nanoTime();
            String method = request.method().name();
            HttpVersion version = request.protocolVersion();
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (request.decoderResult().isFailure()) {
                Pending bad = queue(method, "UNKNOWN", version, false, start);
                bad.linger = true;
                complete(bad, response(error(ErrorType.BAD_REQUEST, "malformed HTTP request"), -1));
                return;
            }
            String uri = request.uri();
            int queryAt = uri.indexOf('?');
            String path = queryAt < 0 ? uri : uri.substring(0, queryAt);
            if (sockets != null && PortSockets.isSocketPath(path)) {
                upgrade(ctx, request, path, start);
                return;
            }
            int uuidEnd = path.startsWith(PREFIX) ? path.indexOf('/', PREFIX.length()) : -1;
            boolean slash = path.endsWith("/");
            RowWriteRoutes.Route route = uuidEnd <= PREFIX.length() ? null
                    : routes.find(method, path.substring(uuidEnd + 1, slash ? path.length() - 1 : path.length()));
            if (route == null) {
                Pending unknown = queue(method, "NOT_FOUND", version, keepAlive, start);
                complete(unknown, response(error(ErrorType.NOT_FOUND, "the write port serves only the row writes"
                        + " (POST, PUT, DELETE /api/v1/dtables/{uuid}/rows/ and the batch-append-rows, batch-update-rows,"
                        + " batch-delete-rows forms)" + (sockets == null ? "" : " and the WebSocket at /socket/dtables/{uuid}")
                        + ": send " + method + " " + path + " to the node's local_node_url"), -1));
                return;
            }
            RowWrite write = route.write();
            Pending answer = queue(method, route.pattern(slash), version, keepAlive, start);
            String uuid = QueryStringDecoder.decodeComponent(path.substring(PREFIX.length(), uuidEnd));
            String app = queryAt < 0 ? null : first(new QueryStringDecoder(uri).parameters().get("from"));
            String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
            byte[] body = request.content().isReadable() ? ByteBufUtil.getBytes(request.content()) : null;
            try {
                LoadedBase.Committed<String> committed = access.submit(uuid, authorization, app, body, false,
                        write.command(), write.answer());
                if (committed != null) {
                    answerWhenDurable(answer, committed, uri);
                    return;
                }
            } catch (RuntimeException e) {
                complete(answer, response(NodeErrorAdvice.answer(e, uri), -1));
                return;
            }
            blocking.execute(() -> {
                try {
                    answerWhenDurable(answer, access.submit(uuid, authorization, app, body, true, write.command(),
                            write.answer()), uri);
                } catch (RuntimeException e) {
                    complete(answer, response(NodeErrorAdvice.answer(e, uri), -1));
                }
            });
        }

        /** Hands the connection to the socket at {@code path}, or answers 400 when it cannot become one. */
        private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, String path, long start) {
            String refusal = !request.method().name().equals("GET")
                    || !request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                    ? path + " is a WebSocket: open it with a GET that asks for Upgrade: websocket"
                    : !pending.isEmpty() ? "a WebSocket upgrade must not follow unanswered requests on its connection"
                    : null;
            if (refusal != null) {
                Pending bad = queue(request.method().name(), "/socket/dtables/{uuid}", request.protocolVersion(),
                        false, start);
                complete(bad, response(error(ErrorType.BAD_REQUEST, refusal), -1));
                return;
            }
            ctx.pipeline().remove(IdleStateHandler.class);
            sockets.upgrade(ctx, request);
        }

        private void answerWhenDurable(Pending answer, LoadedBase.Committed<String> committed, String uri) {
            committed.durable().whenComplete((ok, error) -> complete(answer, error == null
                    ? response(ResponseEntity.ok(committed.response()), committed.version())
                    : response(NodeErrorAdvice.answer(LoadedBase.durabilityFailure(error), uri), -1)));
        }

        private Pending queue(String method, String pattern, HttpVersion version, boolean keepAlive, long start) {
            Pending answer = new Pending(method, pattern, version, keepAlive, start);
            pending.add(answer);
            closing |= !keepAlive;
            if (!timeoutScheduled) {
                timeoutScheduled = true;
                ctx.executor().schedule(this::timeOut, durabilityTimeout.toNanos(), TimeUnit.NANOSECONDS);
            }
            return answer;
        }

        /** Answers {@code answer} from any thread; the answers go out in request order, on the loop. */
        private void complete(Pending answer, FullHttpResponse response) {
            if (!ctx.executor().inEventLoop()) {
                ctx.executor().execute(() -> complete(answer, response));
                return;
            }
            if (answer.answer != null) {
                response.release(); // answered by the timeout already
                return;
            }
            answer.answer = response;
            boolean wrote = false;
            while (!pending.isEmpty() && pending.peek().answer != null) {
                Pending next = pending.poll();
                FullHttpResponse out = next.answer;
                out.setProtocolVersion(next.version);
                HttpUtil.setKeepAlive(out, next.keepAlive);
                int status = out.status().code();
                var written = ctx.write(out);
                wrote = true;
                timers.record(next.method, status, next.pattern, "none", System.nanoTime() - next.startNanos);
                if (!next.keepAlive) {
                    ctx.flush();
                    written.addListener(next.linger ? (ChannelFutureListener) Linger::afterAnswer
                            : ChannelFutureListener.CLOSE);
                    pending.clear();
                    return;
                }
            }
            if (wrote) {
                ctx.flush();
            }
        }

        /** Answers 504 {@code outcome_unknown} to every request waiting longer than the durability timeout. */
        private void timeOut() {
            timeoutScheduled = false;
            if (!ctx.channel().isActive()) {
                pending.clear();
                return;
            }
            long now = System.nanoTime();
            for (Pending waiting : List.copyOf(pending)) {
                if (waiting.answer == null && now - waiting.startNanos >= durabilityTimeout.toNanos()) {
                    complete(waiting, response(NodeErrorAdvice.answer(LoadedBase.durabilityTimedOut(null), ""), -1));
                }
            }
            Pending oldest = pending.peek();
            if (oldest != null) {
                timeoutScheduled = true;
                long left = oldest.startNanos + durabilityTimeout.toNanos() - now;
                ctx.executor().schedule(this::timeOut, Math.max(left, 1), TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof Oversized oversized) {
                if (!closing) {
                    Pending refused = queue(oversized.request().method().name(), "UNKNOWN",
                            oversized.request().protocolVersion(), false, oversized.startNanos());
                    refused.linger = true;
                    complete(refused, response(error(ErrorType.REQUEST_TOO_LARGE,
                            "request body is larger than max_request_bytes (" + maxRequestBytes + ")"), -1));
                }
            } else if (event instanceof IdleStateEvent && pending.isEmpty()) {
                ctx.close();
            } else {
                super.userEventTriggered(ctx, event);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            for (Pending waiting : pending) {
                if (waiting.answer != null) {
                    waiting.answer.release();
                }
            }
            pending.clear();
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("write port connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static ResponseEntity<String> error(ErrorType type, String message) {
        return ErrorAdvice.error(type, message);
    }

    /** A Netty response of {@code entity} with the node's header and, for a write, the version it made. */
    private FullHttpResponse response(ResponseEntity<String> entity, long version) {
        byte[] bytes = entity.getBody() == null ? new byte[0] : entity.getBody().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(entity.getStatusCode().value()), Unpooled.wrappedBuffer(bytes));
        entity.getHeaders().forEach((name, values) -> response.headers().add(name, values));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(NodeHeaderFilter.NODE_HEADER, nodeId);
        if (version >= 0) {
            response.headers().set(BaseAccess.VERSION_HEADER, Long.toString(version));
        }
        return response;
    }
}
