package dtable.proxy.forward;

import dtable.core.cluster.NodeInfo;
import dtable.proxy.routing.ProxyPath;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;

/**
 * Sits before the HTTP codec of one client connection and reads the requests' bytes first (docs/proxy.md,
 * "Plain GETs as bytes"). A plain GET ({@link RequestHead}) under a base prefix whose owner is known goes to the
 * owner as bytes ({@link ByteExchange}); every other request is passed to the codec, and so to
 * {@link ForwardingChannelHandler} and Spring, exactly as received.
 *
 * <p>One request at a time: the codec gets the bytes of one request only (its length is known from its head), and
 * the next request waits, unread, until the codec path has answered it ({@link #codecIdle}); a plain GET's answer
 * is complete before the next request is looked at. Answers thus go out in request order, and the codec is always
 * at the start of a request when it gets bytes. Requests whose length only the codec can find (a chunked body, an
 * upgrade to a WebSocket, HTTP/1.0, anything malformed) turn the connection over to the codec for good.
 *
 * <p>Reading: Reactor Netty reads on demand. This handler reads ahead by itself, up to one head's worth of the next
 * requests ({@link #readsAhead}), except while the codec path reads a body or has the connection for good.
 *
 * <p>Threads: one instance per connection, used only on its event loop.
 */
final class ByteForwardingHandler extends ClientConnectionHandler {

    private enum Mode {
        /** at the start of a request: the next bytes are looked at here */
        BOUNDARY,
        /** a plain GET is being forwarded as bytes */
        EXCHANGE,
        /** the bytes of one request are being passed to the codec */
        PASSING,
        /** the codec path is answering a request it got whole */
        CODEC,
        /** everything goes to the codec, for the rest of the connection */
        OPAQUE
    }

    private final Forwarder forwarder;
    private final ForwardingChannelHandler codecSide;
    private final RequestHead head = new RequestHead();
    private ChannelHandlerContext ctx;
    private Mode mode = Mode.BOUNDARY;
    /** Bytes received and not yet forwarded or passed on. */
    private ByteBuf pending;
    /** Bytes of the current request still to pass to the codec, in {@link Mode#PASSING}. */
    private int passLeft;
    private ByteExchange exchange;
    private boolean processing;
    /** Bytes went to the codec outside a read of the connection: it gets a read-complete event after them. */
    private boolean passedOutsideRead;
    private boolean reading;
    private String clientIp;
    private String scheme;

    ByteForwardingHandler(Forwarder forwarder, ForwardingChannelHandler codecSide) {
        this.forwarder = forwarder;
        this.codecSide = codecSide;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        codecSide.onIdle(this::codecIdle);
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress address && address.getAddress() != null) {
            clientIp = address.getAddress().getHostAddress();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    // ---- inbound ------------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (mode == Mode.OPAQUE || !(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!in.isReadable()) {
            in.release();
            return;
        }
        reading = true;
        pending = pending == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), pending, in);
        process();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        ctx.fireChannelReadComplete();
    }

    private void process() {
        if (processing) {
            return; // a step below ended synchronously; the loop there goes on
        }
        processing = true;
        try {
            while (step()) {
                // next request
            }
        } finally {
            processing = false;
        }
        if (passedOutsideRead) {
            passedOutsideRead = false;
            ctx.fireChannelReadComplete();
        }
        if (readsAhead() && ctx.channel().isActive()) {
            ctx.read();
        }
    }

    /**
     * Whether this handler reads on its own: at a request's start, and while a request is answered as long as
     * little is held. Keeping a read requested while a request is answered costs nothing, while asking for each
     * request anew would cost two {@code epoll_ctl} calls per request (Netty stops watching a connection nobody
     * wants to read). While the codec reads a body, or has the connection for good, the codec path asks.
     */
    private boolean readsAhead() {
        return mode != Mode.PASSING && mode != Mode.OPAQUE
                && (pending == null || pending.readableBytes() < RequestHead.MAX_HEAD);
    }

    /** Moves on by one request or piece; true when there may be more to do now. */
    private boolean step() {
        switch (mode) {
            case BOUNDARY -> {
                if (pending == null) {
                    return false;
                }
                switch (head.parse(pending)) {
                    case INCOMPLETE -> {
                        return false;
                    }
                    case OPAQUE -> {
                        mode = Mode.OPAQUE;
                        toCodec(takePending(pending.readableBytes()));
                        return false;
                    }
                    case PLAIN_GET -> {
                        if (forward()) {
                            return mode == Mode.BOUNDARY; // already over (a synchronous fallback and answer)
                        }
                        // else a request of known length (its head) for the codec path, as below
                    }
                    case SIZED -> { }
                }
                passLeft = head.length();
                mode = Mode.PASSING;
                return true;
            }
            case PASSING -> {
                if (pending == null) {
                    return false; // the codec path reads the rest of the body when it wants it
                }
                int piece = Math.min(passLeft, pending.readableBytes());
                passLeft -= piece;
                if (passLeft == 0) {
                    mode = Mode.CODEC; // before the codec sees the last byte: it may answer at once
                }
                toCodec(takePending(piece));
                return mode != Mode.PASSING;
            }
            default -> {
                return false; // EXCHANGE, CODEC: their end calls back; OPAQUE: nothing is held
            }
        }
    }

    /** Forwards the plain GET in {@link #head} as bytes; false when it must take the codec path. */
    private boolean forward() {
        if (forwarder.isDraining()) {
            return false; // the codec path answers 503
        }
        String uri = head.uri();
        if (!ProxyPath.isBasePath(uri)) {
            return false;
        }
        String path = ProxyPath.pathOf(uri);
        if (ProxyPath.isLocalEndpoint(path)) {
            return false;
        }
        ProxyPath route = ProxyPath.classify(path);
        if (route.kind() != ProxyPath.Kind.FORWARD) {
            return false; // 400, 404, server-info and socket.io: the codec path
        }
        NodeInfo owner = forwarder.table().current().ownerInfo(route.bucket());
        if (owner == null || owner.localNodeUrl() == null) {
            return false; // the codec path waits for one, or reads stale
        }
        NodeAddress address;
        try {
            address = forwarder.address(owner.localNodeUrl());
        } catch (IllegalArgumentException e) {
            return false;
        }
        NodeChannels channels = forwarder.loopOf(ctx.channel()).byteChannels();
        if (address.secure() || channels == null) {
            return false;
        }
        long start = forwarder.nanoTime();
        ByteBuf nodeHead = head.nodeHead(ctx.alloc(), address, clientIp, scheme());
        ByteBuf request = takePending(head.length());
        mode = Mode.EXCHANGE;
        exchange = new ByteExchange(forwarder, channels, this, ctx, owner, address, uri, request, nodeHead, start);
        forwarder.forwardedAsBytes.increment();
        exchange.start();
        return true;
    }

    /** The first {@code length} pending bytes, which leave {@link #pending}. */
    private ByteBuf takePending(int length) {
        if (length == pending.readableBytes()) {
            ByteBuf all = pending;
            pending = null;
            return all;
        }
        return pending.readRetainedSlice(length);
    }

    private void toCodec(ByteBuf bytes) {
        if (!reading) {
            passedOutsideRead = true;
        }
        ctx.fireChannelRead(bytes);
    }

    // ---- called by the exchange and the codec path --------------------------------------------

    /** The GET forwarded as bytes has its answer (or the client is gone): on to the next request. */
    void exchangeDone(ByteExchange done) {
        if (exchange != done) {
            return;
        }
        exchange = null;
        mode = Mode.BOUNDARY;
        if (ctx.channel().isActive()) {
            process();
        }
    }

    /**
     * The GET could not be forwarded as bytes: its original bytes go to the codec, and the codec path's
     * exchange continues it as {@code handOver} says.
     */
    void fallBack(ByteExchange from, ByteBuf request, ForwardingChannelHandler.HandOver handOver) {
        if (exchange != from) {
            request.release();
            return;
        }
        exchange = null;
        mode = Mode.CODEC;
        codecSide.handOver(handOver);
        passedOutsideRead |= !reading;
        ctx.fireChannelRead(request);
        if (!processing) {
            process(); // fires the read-complete event; goes on if the codec path answered at once
        }
    }

    /** The codec path has answered its request completely and waits for the next one. */
    private void codecIdle() {
        if (mode == Mode.CODEC) {
            mode = Mode.BOUNDARY;
            process();
        }
    }

    // ---- outbound and connection events -------------------------------------------------------

    /** Passes reads on, but holds them back once enough of the next requests is held ({@link #readsAhead}). */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (mode == Mode.PASSING || mode == Mode.OPAQUE || readsAhead()) {
            ctx.read();
        }
    }


    private String scheme() {
        if (scheme == null) {
            scheme = ctx.pipeline().get(SslHandler.class) != null ? "https" : "http";
        }
        return scheme;
    }

    @Override
    ClientExchange running() {
        return exchange;
    }

    @Override
    void releaseHeld() {
        releasePending();
    }

    private void releasePending() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
