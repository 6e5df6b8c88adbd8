package dtable.proxy.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket upgrade (socket.io's {@code transport=websocket}) tunnelled to the node that owns the
 * base: the proxy sends the client's upgrade request to the node on a connection of its own (not
 * pooled, no HTTP codec), passes the node's answer head back verbatim, and after a {@code 101}
 * relays bytes both ways until either side closes. The proxy never looks into WebSocket frames.
 *
 * <p>Client side: a handler placed in front of the client connection's HTTP codec takes every byte
 * that arrives after the upgrade request, so neither the codec nor Reactor Netty sees the tunnel.
 * Back-pressure as in Netty's proxy example: each side reads again only once its last read has been
 * written to the other side.
 *
 * <p>When the base moves, the old owner closes the socket.io transport, the proxy closes the
 * client's connection with it, and socket.io reconnects through the proxy to the new owner. There
 * is no retry: a tunnel is a session, and the client's reconnect is how a session moves.
 *
 * <p>A node answer other than {@code 101} (e.g. 400 for an unknown Engine.IO session) is passed on,
 * then the client connection closes: it asked to leave HTTP, and no second request follows.
 *
 * <p>Threads: both channels run on the client connection's event loop; all state is confined to it.
 */
final class WebSocketTunnel {

    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
    private static final int MAX_HEAD_BYTES = 64 * 1024;

    private final Forwarder forwarder;
    private final Channel client;
    private final String nodeLabel;
    private final long startNanos;
    private final ClientSide clientSide = new ClientSide();
    private final NodeSide nodeSide = new NodeSide();
    /** Client bytes that arrived before the node said 101 (normally none: a client waits for the 101). */
    private final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
    private Channel node;
    private boolean upgraded;
    private boolean closed;

    private WebSocketTunnel(Forwarder forwarder, Channel client, String nodeLabel, long startNanos) {
        this.forwarder = forwarder;
        this.client = client;
        this.nodeLabel = nodeLabel;
        this.startNanos = startNanos;
    }

    /**
     * Takes over {@code client} for the upgrade request {@code request} and connects to the node.
     *
     * @param headers the headers to send (hop-by-hop fields already removed, {@code X-Forwarded-*} set)
     * @param onFailure called on the loop with a message when the node cannot be reached; the
     *                  client's HTTP codec is still in place then, so the caller answers with an error
     */
    static WebSocketTunnel open(Forwarder forwarder, Channel client, HttpRequest request, HttpHeaders headers,
                                Target target, NodeChannels channels, long startNanos,
                                java.util.function.Consumer<String> onFailure) {
        WebSocketTunnel tunnel = new WebSocketTunnel(forwarder, client, target.label(), startNanos);
        ChannelHandlerContext codec = client.pipeline().context(HttpServerCodec.class);
        if (codec == null) {
            throw new IllegalStateException("no HTTP server codec on the client connection");
        }
        client.pipeline().addBefore(codec.name(), "dtable.websocket-tunnel", tunnel.clientSide);
        byte[] head = requestHead(request, headers, target);
        ChannelFuture connect = channels.connectRaw(target.address(), tunnel.nodeSide);
        connect.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                tunnel.abandon();
                onFailure.accept("cannot connect to " + target.label() + ": " + done.cause().getMessage());
                return;
            }
            tunnel.node = done.channel();
            if (tunnel.closed || !client.isActive()) {
                tunnel.close();
                return;
            }
            tunnel.node.writeAndFlush(Unpooled.wrappedBuffer(head));
            tunnel.node.read();
        });
        return tunnel;
    }

    /** The upgrade request as bytes: request line, the prepared headers, Host, Connection and Upgrade. */
    static byte[] requestHead(HttpRequest request, HttpHeaders headers, Target target) {
        StringBuilder head = new StringBuilder(512);
        head.append(request.method().name()).append(' ').append(target.requestUri()).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(target.address().hostHeader()).append("\r\n");
        for (Map.Entry<String, String> field : headers) {
            String name = field.getKey();
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")
                    && !name.equalsIgnoreCase("transfer-encoding")) {
                head.append(name).append(": ").append(field.getValue()).append("\r\n");
            }
        }
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE, "websocket");
        head.append("Connection: Upgrade\r\nUpgrade: ").append(upgrade).append("\r\n\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** True for a request asking to switch to WebSocket ({@code Connection: Upgrade}, {@code Upgrade: websocket}). */
    static boolean isWebSocketUpgrade(HttpRequest request) {
        HttpHeaders headers = request.headers();
        return headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    /** The node could not be reached: step out of the client's pipeline so that it can answer over HTTP. */
    private void abandon() {
        closed = true;
        if (client.pipeline().context(clientSide) != null) {
            client.pipeline().remove(clientSide);
        }
        releaseEarly();
    }

    private void close() {
        if (closed && node == null) {
            return;
        }
        closed = true;
        releaseEarly();
        if (node != null) {
            node.close();
        }
        client.close();
    }

    private void releaseEarly() {
        ByteBuf buffer;
        while ((buffer = early.poll()) != null) {
            buffer.release();
        }
    }

    /**
     * Writes {@code data} and reads the other side again once it is out (back-pressure). Client
     * reads go from the tunnel's own handler, below the forwarding handler that holds back reads.
     */
    private void relay(ChannelFuture written, Runnable readAgain) {
        written.addListener((ChannelFutureListener) done -> {
            if (done.isSuccess()) {
                readAgain.run();
            } else {
                close();
            }
        });
    }

    /** In front of the client's HTTP codec: the client's bytes go to the node, the node's bytes go out raw. */
    private final class ClientSide extends ChannelInboundHandlerAdapter {
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (closed) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (!upgraded || node == null) {
                early.add((ByteBuf) msg);
                return;
            }
            relay(node.writeAndFlush(msg), this::readClient);
        }

        void readClient() {
            ctx.read();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (node != null) {
                node.close();
            }
            closed = true;
            releaseEarly();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            close();
        }

        /** Writes to the client below the HTTP codec, then reads the node again. */
        void writeRaw(Object data, Channel readAgain) {
            relay(ctx.writeAndFlush(data), readAgain::read);
        }
    }

    /** The node connection: the answer head is checked for 101, then everything is relayed. */
    private final class NodeSide extends ChannelInboundHandlerAdapter {
        private ByteBuf head;
        /** Body bytes still to pass on after a non-101 answer with Content-Length; -1 unknown. */
        private long remaining = -1;
        private boolean answered;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            if (closed) {
                bytes.release();
                return;
            }
            if (answered) {
                if (!upgraded && remaining > 0) {
                    remaining -= bytes.readableBytes();
                }
                passOn(ctx, bytes);
                return;
            }
            head = head == null ? bytes : Unpooled.wrappedBuffer(head, bytes);
            String sofar = head.toString(StandardCharsets.ISO_8859_1);
            int end = sofar.indexOf("\r\n\r\n");
            if (end < 0) {
                if (head.readableBytes() > MAX_HEAD_BYTES) {
                    close();
                } else {
                    ctx.read();
                }
                return;
            }
            answered = true;
            int headLength = end + HEAD_END.length;
            String text = sofar.substring(0, headLength);
            int status = statusOf(text);
            forwarder.metrics().answered(nodeLabel, status, forwarder.nanoTime() - startNanos);
            ByteBuf all = head;
            head = null;
            if (status == 101) {
                upgraded = true;
                clientSide.writeRaw(all, ctx.channel());
                flushEarly();
                clientSide.readClient();
            } else {
                remaining = contentLength(text);
                if (remaining >= 0) {
                    remaining -= all.readableBytes() - headLength;
                }
                passOn(ctx, all);
            }
        }

        private void passOn(ChannelHandlerContext ctx, ByteBuf bytes) {
            if (upgraded) {
                clientSide.writeRaw(bytes, ctx.channel());
                return;
            }
            // a refused upgrade: its answer, then the end of the client's connection
            ChannelFuture written = clientSide.ctx.writeAndFlush(bytes);
            if (remaining <= 0 && remaining != -1) {
                written.addListener(done -> close());
            } else {
                written.addListener(done -> ctx.read());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (head != null) {
                head.release();
                head = null;
            }
            if (!closed) {
                closed = true;
                releaseEarly();
                // whatever is queued still goes out before the close
                client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            close();
        }
    }

    private void flushEarly() {
        ByteBuf buffer;
        while ((buffer = early.poll()) != null) {
            node.writeAndFlush(buffer);
        }
    }

    static int statusOf(String head) {
        int space = head.indexOf(' ');
        try {
            return Integer.parseInt(head.substring(space + 1, space + 4));
        } catch (RuntimeException e) {
            return 502;
        }
    }

    static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                try {
                    return Long.parseLong(line.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
