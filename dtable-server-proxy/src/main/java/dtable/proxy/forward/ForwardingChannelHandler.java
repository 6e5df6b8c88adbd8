package dtable.proxy.forward;

import dtable.core.cluster.NodeInfo;
import dtable.proxy.routing.ProxyPath;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sits after the HTTP codec of one client connection of the Reactor Netty server and takes the
 * requests under a base prefix ({@link ProxyPath#isBasePath}) for itself: bad UUIDs (400), unknown
 * paths (404) and {@code server-info} are answered here, everything else becomes an
 * {@link Exchange}. Other requests pass on to Reactor Netty and Spring untouched. Plain GETs usually never
 * get here: {@link ByteForwardingHandler}, before the codec, forwards them as bytes, and hands one over with
 * its bytes and a {@link HandOver} when its first attempt did not deliver.
 *
 * <p>Order on a connection: HTTP/1.1 answers go out in request order, so a request that arrives
 * while an earlier one is still being answered is held until then. Answers of Reactor (ping, map,
 * actuator) close the connection ({@code Connection: close}): in Reactor Netty 1.3.6 behind Spring
 * WebFlux a keep-alive connection could leave the answer to its next request unflushed (about 1 in
 * 40 on a health, health, ping sequence, with or without this handler), and those endpoints are not
 * the hot path. Reactor thus sees at most one request per connection, and requests after it are
 * dropped with the connection, which HTTP allows after {@code Connection: close}.
 * Reading: Reactor Netty reads on demand; while an exchange runs, this handler decides when to read
 * (for the body, with back-pressure) and holds back Reactor's read requests.
 *
 * <p>Threads: one instance per connection, used only on its event loop.
 */
final class ForwardingChannelHandler extends ClientConnectionHandler {

    /** Whom the request pieces arriving now belong to. */
    private enum Inbound { IDLE, PASS, EXCHANGE, DISCARD, TUNNEL }

    private final Forwarder forwarder;
    private ChannelHandlerContext ctx;
    private Inbound inbound = Inbound.IDLE;
    private Exchange exchange;
    /** Requests passed to Reactor Netty whose answer has not been written completely yet. */
    private int passedInFlight;
    /** Pieces of requests that must wait for their turn. */
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    /** {@code http} or {@code https}, once known. */
    private String scheme;
    /** Told when this handler is ready for the next request ({@link ByteForwardingHandler}), or null. */
    private Runnable idleListener;
    /** How the next request, a GET whose first attempt was made as bytes, continues; or null. */
    private HandOver handOver;

    /**
     * A GET whose first attempt as bytes ({@link ByteExchange}) did not deliver, handed to this path with its bytes.
     *
     * @param startNanos when the proxy received it (its retry budget runs from then)
     * @param failure    why the attempt failed, or null when it is simply to be sent again
     * @param tried      the owner it was sent to
     */
    record HandOver(long startNanos, Outcome.Failure failure, NodeInfo tried) {
    }

    ForwardingChannelHandler(Forwarder forwarder) {
        this.forwarder = forwarder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** {@code listener} runs each time this handler has answered its requests and waits for the next one. */
    void onIdle(Runnable listener) {
        idleListener = listener;
    }

    /** The next request is the GET that {@code over} describes. */
    void handOver(HandOver over) {
        handOver = over;
    }

    // ---- inbound ------------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!held.isEmpty() || mustWait(msg)) {
            held.add(msg);
            return;
        }
        dispatch(msg);
    }

    /** A new request waits while an answer before it is still pending, on either side. */
    private boolean mustWait(Object msg) {
        return msg instanceof HttpRequest && (exchange != null || inbound == Inbound.DISCARD || passedInFlight > 0);
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest request) {
            HandOver over = handOver;
            handOver = null;
            if (request.decoderResult().isSuccess() && ProxyPath.isBasePath(request.uri())
                    && !ProxyPath.isLocalEndpoint(ProxyPath.pathOf(request.uri()))) {
                takeRequest(request, over);
            } else {
                inbound = Inbound.PASS;
                passedInFlight++;
                ctx.fireChannelRead(msg);
                if (msg instanceof LastHttpContent) {
                    inbound = Inbound.IDLE;
                }
                return;
            }
        }
        if (msg instanceof HttpContent content) {
            boolean last = content instanceof LastHttpContent;
            switch (inbound) {
                case PASS -> ctx.fireChannelRead(content);
                case EXCHANGE -> exchange.onRequestContent(content);
                default -> content.release();
            }
            if (last) {
                requestEnded();
            } else if (inbound == Inbound.DISCARD) {
                ctx.read();
            }
        } else if (!(msg instanceof HttpRequest)) {
            ctx.fireChannelRead(msg);
        }
    }

    private void requestEnded() {
        Inbound was = inbound;
        if (was == Inbound.TUNNEL) {
            return; // the connection is a tunnel now; no HTTP request follows
        }
        inbound = Inbound.IDLE;
        if (was == Inbound.DISCARD && exchange == null) {
            resume();
        }
    }

    private void takeRequest(HttpRequest request, HandOver over) {
        long start = over != null ? over.startNanos() : forwarder.nanoTime();
        String uri = ProxyPath.originForm(request.uri());
        String path = ProxyPath.pathOf(uri);
        ProxyPath route = ProxyPath.classify(path);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (over == null && forwarder.isDraining()) { // a handed-over GET was accepted before the drain
            answer(Replies.error(503, "shutting_down", "the proxy is shutting down; retry"), false, start);
            return;
        }
        switch (route.kind()) {
            case NOT_FOUND -> answer(Replies.error(404, "not_found", "no such endpoint: " + path), keepAlive, start);
            case INVALID_UUID -> answer(Replies.error(400, "invalid_dtable_uuid", "invalid dtable_uuid"),
                    keepAlive, start);
            case SERVER_INFO -> answer(serverInfo(request, route), keepAlive, start);
            case FORWARD -> {
                Exchange exchange = forward(request, uri, route, keepAlive, start);
                if (over != null && over.failure() != null) {
                    exchange.resumeAfter(over.failure(), over.tried());
                } else {
                    exchange.start();
                }
            }
            case SOCKET_IO -> socketIo(request, uri, keepAlive, start);
        }
    }

    /**
     * socket.io (Engine.IO): routed by the {@code dtable_uuid} query parameter to the base's owner,
     * so that polling requests of one session reach the node holding it; a WebSocket upgrade is
     * tunnelled ({@link WebSocketTunnel}). Polling requests are forwarded as {@linkplain
     * ForwardedRequest#markEngineIo() Engine.IO requests}: retried only when the node cannot have seen them.
     */
    private void socketIo(HttpRequest request, String uri, boolean keepAlive, long start) {
        List<String> values = new QueryStringDecoder(uri).parameters().get("dtable_uuid");
        ProxyPath route = ProxyPath.forQueryBase(values == null || values.isEmpty() ? null : values.get(0));
        switch (route.kind()) {
            case FORWARD -> {
                if (WebSocketTunnel.isWebSocketUpgrade(request)) {
                    tunnel(request, uri, route, start);
                } else {
                    Exchange polling = forward(request, uri, route, keepAlive, start);
                    polling.request().markEngineIo();
                    polling.start();
                }
            }
            case INVALID_UUID -> answer(Replies.error(400, "invalid_dtable_uuid", "invalid dtable_uuid"), keepAlive,
                    start);
            default -> answer(Replies.error(400, "missing_dtable_uuid",
                    "socket.io requests need the query parameter dtable_uuid"), keepAlive, start);
        }
    }

    private void tunnel(HttpRequest request, String uri, ProxyPath route, long start) {
        NodeInfo owner = forwarder.table().current().ownerInfo(route.bucket());
        if (owner == null) {
            answer(Replies.error(503, "no_owner", "bucket " + route.bucket() + " has no live owner"), false, start);
            return;
        }
        inbound = Inbound.TUNNEL;
        Target target = new Target(owner.nodeId(), forwarder.address(owner.localNodeUrl()), uri, false);
        HttpHeaders headers = ForwardHeaders.forRequest(request.headers(), ctx.channel().remoteAddress(), scheme());
        WebSocketTunnel.open(forwarder, ctx.channel(), request, headers, target,
                forwarder.loopOf(ctx.channel()).channels(), start, problem -> {
                    inbound = Inbound.IDLE;
                    answer(Replies.error(502, "bad_gateway", problem), false, start);
                });
    }

    private Exchange forward(HttpRequest request, String uri, ProxyPath route, boolean keepAlive, long start) {
        RequestBody body = RequestBody.of(request.headers(), forwarder.settings().replayBufferBytes(), ctx.alloc());
        ForwardedRequest forwarded = new ForwardedRequest(request.method(), uri, route.segment(), route.bucket(),
                ForwardHeaders.forRequest(request.headers(), ctx.channel().remoteAddress(), scheme()), body, start,
                forwarder.budgetNanos());
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        inbound = Inbound.EXCHANGE;
        exchange = new Exchange(forwarder, forwarder.loopOf(ctx.channel()), this, ctx, forwarded, body, keepAlive,
                request.protocolVersion().equals(HttpVersion.HTTP_1_0));
        return exchange;
    }

    private FullHttpResponse serverInfo(HttpRequest request, ProxyPath route) {
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            return Replies.error(405, "method_not_allowed", "server-info answers GET only");
        }
        NodeInfo owner = forwarder.table().current().ownerInfo(route.bucket());
        if (owner == null) {
            return Replies.error(503, "no_owner", "bucket " + route.bucket() + " has no live owner");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dtable_uuid", route.uuid().value());
        body.put("bucket", route.bucket().hex());
        body.put("node_id", owner.nodeId());
        body.put("node_url", owner.nodeUrl());
        body.put("local_node_url", owner.localNodeUrl());
        if (owner.writeUrl() != null) {
            body.put("write_url", owner.writeUrl()); // the node's write port, on the cluster's network like local_node_url
        }
        return Replies.json(200, body);
    }

    /** An answer of the proxy's own to a request whose body (if any) is discarded. */
    private void answer(FullHttpResponse response, boolean keepAlive, long start) {
        forwarder.metrics().answered(ProxyMetrics.PROXY, response.status().code(), forwarder.nanoTime() - start);
        inbound = Inbound.DISCARD;
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response);
            ctx.read(); // for the rest of this request, then the next one
        }
    }

    /** The connection's scheme; TLS is set up before the first request, so it is looked up once. */
    private String scheme() {
        if (scheme == null) {
            scheme = ctx.pipeline().get(SslHandler.class) != null ? "https" : "http";
        }
        return scheme;
    }

    /** Called by the exchange once its answer is complete (or the client is gone). */
    void exchangeDone(Exchange done) {
        if (exchange != done) {
            return;
        }
        exchange = null;
        boolean bodyStillComing = inbound == Inbound.EXCHANGE;
        if (bodyStillComing) {
            inbound = Inbound.DISCARD; // the rest of a body nobody needs any more
        }
        if (!done.keepAlive() || !ctx.channel().isActive()) {
            releaseHeld(); // the connection closes after the answer
        } else if (bodyStillComing) {
            ctx.read();
        } else {
            resume();
        }
    }

    /** Continues with held requests, or reads the next one. */
    private void resume() {
        while (!held.isEmpty() && !mustWait(held.peek())) {
            dispatch(held.poll());
        }
        if (held.isEmpty() && exchange == null && inbound == Inbound.IDLE && passedInFlight == 0) {
            if (idleListener != null) {
                idleListener.run();
            }
            ctx.read();
        }
    }

    // ---- outbound: the other side's answers and reads -----------------------------------------

    /**
     * Only Reactor's writes pass here (the exchange writes from this handler's context onward): its
     * answers get {@code Connection: close}, and the connection closes once the last piece is out.
     */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean informational = msg instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (msg instanceof HttpResponse response && !informational) {
            HttpUtil.setKeepAlive(response, false);
        }
        if (passedInFlight > 0 && msg instanceof LastHttpContent && !informational) {
            passedInFlight--;
            ChannelPromise written = promise.unvoid();
            ctx.write(msg, written);
            written.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.write(msg, promise);
    }

    /** Holds back Reactor's reads while this handler runs an exchange or holds requests: it reads when ready. */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (exchange != null || !held.isEmpty() || inbound == Inbound.DISCARD || inbound == Inbound.TUNNEL) {
            return;
        }
        ctx.read();
    }

    // ---- connection events --------------------------------------------------------------------


    @Override
    ClientExchange running() {
        return exchange;
    }

    @Override
    void releaseHeld() {
        Object msg;
        while ((msg = held.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
