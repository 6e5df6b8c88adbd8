package dtable.proxy.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections from one event loop to the nodes: one small LIFO stack of idle channels
 * per node address, used only by that loop, so a forwarded request and its node connection run on
 * the same thread with no lock and no hand-over (as nginx's per-worker upstream keep-alive).
 *
 * <p>New connections are made on the loop itself; at most {@code maxIdlePerNode} stay open per node.
 * An idle connection is never handed out after {@code maxIdle} in the pool, and is closed by a sweep
 * at most a quarter of {@code maxIdle} later: each connection remembers when it was pooled (one
 * ticker read per exchange), instead of an {@code IdleStateHandler} that costs a promise, a listener
 * and a clock read per write and read of every exchange.
 *
 * <p>Node responses are decoded without header validation: the nodes are the cluster's own servers,
 * and their headers go to the client as they are (clients' requests are validated by the server's
 * decoder). Threads: every method runs on {@link #loop}.
 */
final class NodeChannels {

    /**
     * Opens a node connection whose pipeline ends in a {@link NodeChannelHandler}: TCP with the HTTP
     * client codec in the proxy; tests hand out embedded channels.
     */
    interface Dialer {
        Future<Channel> dial(NodeAddress address);
    }

    /** How node responses are decoded: Netty's defaults, but their headers are not validated (trusted). */
    private static final HttpDecoderConfig NODE_RESPONSES = new HttpDecoderConfig().setValidateHeaders(false);

    private final EventLoop loop;
    private final boolean withCodec;
    private final Bootstrap bootstrap;
    private final Dialer dialer;
    private final SslContext tls;
    private final int maxIdlePerNode;
    private final long idleNanos;
    /** Idle connections per node, oldest first (handed out from the end). */
    private final Map<InetSocketAddress, ArrayDeque<Channel>> idle = new HashMap<>();
    /** The periodic sweep closing connections idle for longer than {@link #idleNanos}; started with the first pooled one. */
    private ScheduledFuture<?> sweep;

    NodeChannels(EventLoop loop, Class<? extends SocketChannel> channelClass, Duration connectTimeout,
                 Duration maxIdle, int maxIdlePerNode, SslContext tls) {
        this(loop, channelClass, connectTimeout, maxIdle, maxIdlePerNode, tls, null, true);
    }

    /** @param dialer how to open node connections, or null for TCP from this loop */
    NodeChannels(EventLoop loop, Class<? extends SocketChannel> channelClass, Duration connectTimeout,
                 Duration maxIdle, int maxIdlePerNode, SslContext tls, Dialer dialer) {
        this(loop, channelClass, connectTimeout, maxIdle, maxIdlePerNode, tls, dialer, true);
    }

    /**
     * @param dialer    how to open node connections, or null for TCP from this loop
     * @param withCodec whether TCP connections decode HTTP; without, their bytes go to a {@link ByteExchange}
     */
    NodeChannels(EventLoop loop, Class<? extends SocketChannel> channelClass, Duration connectTimeout,
                 Duration maxIdle, int maxIdlePerNode, SslContext tls, Dialer dialer, boolean withCodec) {
        this.withCodec = withCodec;
        this.loop = loop;
        this.dialer = dialer != null ? dialer : this::dialTcp;
        this.tls = tls;
        this.maxIdlePerNode = maxIdlePerNode;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInboundHandlerAdapter()); // replaced per connection
        this.idleNanos = maxIdle.toNanos();
    }

    EventLoop loop() {
        return loop;
    }

    /**
     * An idle open connection to {@code address} (most recently used first), or null. One idle for
     * longer than {@code maxIdle} is closed instead (and so are all older ones).
     */
    Channel pooled(NodeAddress address) {
        ArrayDeque<Channel> stack = idle.get(address.socket());
        if (stack != null) {
            Channel channel;
            while ((channel = stack.pollLast()) != null) {
                if (expired(channel, loop.ticker().nanoTime())) {
                    closeOlder(stack, channel);
                    return null;
                }
                if (channel.isActive()) {
                    return channel;
                }
            }
        }
        return null;
    }

    private boolean expired(Channel channel, long now) {
        return now - NodeChannelHandler.of(channel).pooledAt >= idleNanos;
    }

    /** Closes {@code expired} and every connection pooled before it (they are all older). */
    private static void closeOlder(ArrayDeque<Channel> stack, Channel expired) {
        expired.close();
        Channel older;
        while ((older = stack.pollFirst()) != null) {
            older.close();
        }
    }

    /** Closes the connections idle for {@code maxIdle} or longer. */
    private void sweep() {
        long now = loop.ticker().nanoTime();
        for (ArrayDeque<Channel> stack : idle.values()) {
            Channel oldest;
            while ((oldest = stack.peekFirst()) != null && expired(oldest, now)) {
                stack.pollFirst();
                oldest.close();
            }
        }
    }

    /** A new connection to {@code address}. */
    Future<Channel> connect(NodeAddress address) {
        Promise<Channel> promise = loop.newPromise();
        dialer.dial(address).addListener((Future<Channel> done) -> {
            if (done.isSuccess()) {
                Channel channel = done.getNow();
                channel.closeFuture().addListener(closed -> forget(address, channel));
                promise.setSuccess(channel);
            } else {
                promise.setFailure(done.cause());
            }
        });
        return promise;
    }

    private Future<Channel> dialTcp(NodeAddress address) {
        Promise<Channel> promise = loop.newPromise();
        ChannelFuture connect = bootstrap.clone()
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        addTls(channel, address);
                        if (withCodec) {
                            channel.pipeline().addLast(new HttpClientCodec(NODE_RESPONSES, false, false));
                        }
                        channel.pipeline().addLast(new NodeChannelHandler());
                    }
                })
                .connect(address.socket());
        connect.addListener(done -> {
            if (done.isSuccess()) {
                promise.setSuccess(connect.channel());
            } else {
                promise.setFailure(done.cause());
            }
        });
        return promise;
    }

    /** TLS first on {@code channel} when {@code address}'s URL is https. */
    private void addTls(Channel channel, NodeAddress address) {
        if (address.secure()) {
            InetSocketAddress socket = address.socket();
            channel.pipeline().addLast(tls.newHandler(channel.alloc(), socket.getHostString(), socket.getPort()));
        }
    }

    /**
     * A new connection to {@code address} that is not pooled and has no HTTP codec: TLS when the
     * URL is https, then only {@code handler} (a {@link WebSocketTunnel}'s node side). Reads on demand.
     */
    ChannelFuture connectRaw(NodeAddress address, io.netty.channel.ChannelHandler handler) {
        return bootstrap.clone()
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        addTls(channel, address);
                        channel.pipeline().addLast(handler);
                    }
                })
                .connect(address.socket());
    }

    /** Returns a channel after a complete exchange; it is closed when not reusable or when enough are idle. */
    void release(NodeAddress address, Channel channel, boolean reusable) {
        NodeChannelHandler handler = NodeChannelHandler.of(channel);
        handler.attempt = null;
        handler.bytes = null;
        channel.config().setAutoRead(true);
        ArrayDeque<Channel> stack = idle.computeIfAbsent(address.socket(), key -> new ArrayDeque<>());
        if (!reusable || !channel.isActive() || stack.size() >= maxIdlePerNode) {
            channel.close();
        } else {
            handler.pooledAt = loop.ticker().nanoTime();
            stack.addLast(channel);
            if (sweep == null) {
                long period = Math.max(idleNanos / 4, TimeUnit.MILLISECONDS.toNanos(1));
                sweep = loop.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void forget(NodeAddress address, Channel channel) {
        ArrayDeque<Channel> stack = idle.get(address.socket());
        if (stack != null) {
            stack.remove(channel);
        }
    }

    /** Closes every idle connection (shutdown). */
    void closeAll() {
        if (sweep != null) {
            sweep.cancel(false);
            sweep = null;
        }
        idle.values().forEach(stack -> stack.forEach(Channel::close));
        idle.clear();
    }

    /**
     * The last handler of a node connection: hands what the node sends to the attempt (or, on a connection
     * without codec, the byte exchange) using the connection, and closes the connection when the node talks
     * while it is pooled.
     */
    static final class NodeChannelHandler extends ChannelInboundHandlerAdapter {
        /** The attempt using this connection; null while pooled. Event loop only. */
        NodeAttempt attempt;
        /** The GET forwarded as bytes using this connection; null while pooled. Event loop only. */
        ByteExchange bytes;
        /** When the connection last went back to the pool ({@link EventLoop#ticker()} nanoseconds). */
        long pooledAt;

        /** The handler of {@code channel}: the last one of its pipeline (looked up by type only if not). */
        static NodeChannelHandler of(Channel channel) {
            return channel.pipeline().last() instanceof NodeChannelHandler last ? last
                    : channel.pipeline().get(NodeChannelHandler.class);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (bytes != null && msg instanceof io.netty.buffer.ByteBuf in) {
                bytes.onNodeBytes(in);
                return;
            }
            NodeAttempt current = attempt;
            if (current == null) {
                io.netty.util.ReferenceCountUtil.release(msg); // nothing asked: a node must not talk unasked
                ctx.close();
                return;
            }
            if (msg instanceof HttpResponse head) {
                current.onResponse(head);
            }
            if (msg instanceof HttpContent content) {
                current.onContent(content);
            } else {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (attempt != null && ctx.channel().isWritable()) {
                attempt.nodeWritable();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (bytes != null) {
                bytes.onNodeClosed(null);
            }
            if (attempt != null) {
                attempt.onBroken(null);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (bytes != null) {
                bytes.onNodeClosed(cause);
            }
            if (attempt != null) {
                attempt.onBroken(cause);
            }
            ctx.close();
        }
    }
}
