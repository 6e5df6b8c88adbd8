package dtable.proxy.forward;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;

/**
 * The body of one proxied request, as far as retries are concerned. It receives the client's
 * {@link HttpContent} pieces ({@link #add}, taking ownership) and writes itself to a node
 * ({@link #writeTo}) once per attempt.
 *
 * <ul>
 *   <li>{@link Empty}: no body; replayable.</li>
 *   <li>{@link Buffered}: a declared length up to the replay limit, read completely before the first
 *       attempt so that a retry at a new owner can send it again.</li>
 *   <li>{@link Streamed}: larger, or of unknown length (chunked): piped to the node as it arrives,
 *       so it can be sent once; replayable until an attempt has started sending it.</li>
 * </ul>
 *
 * Threads: confined to the client connection's event loop (which is also the node connection's).
 */
public abstract sealed class RequestBody {

    private final long length;
    private boolean complete;

    private RequestBody(long length) {
        this.length = length;
    }

    /** Decides the kind from the request headers. */
    static RequestBody of(HttpHeaders headers, long replayLimit, ByteBufAllocator alloc) {
        boolean chunked = headers.contains(HttpHeaderNames.TRANSFER_ENCODING);
        long length = chunked ? -1 : contentLength(headers);
        if (!chunked && length <= 0) {
            // HTTP/1.1: without Content-Length or Transfer-Encoding a request has no body
            return new Empty(length == 0);
        }
        if (!chunked && length <= replayLimit) {
            return new Buffered(alloc.compositeBuffer(Integer.MAX_VALUE), length);
        }
        return new Streamed(length);
    }

    private static long contentLength(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1; // the decoder refuses malformed lengths already
        }
    }

    /** The length to declare to the node, or -1 for none (no body, or chunked). */
    final long length() {
        return length;
    }

    /** True when a (further) attempt can still send the whole body. */
    abstract boolean replayable();

    /** True once the client's last piece arrived. */
    final boolean complete() {
        return complete;
    }

    /** True when the body must be complete before an attempt may start (it is buffered for replays). */
    boolean neededBeforeSending() {
        return false;
    }

    /** Takes one piece from the client. */
    final void add(HttpContent piece) {
        if (piece instanceof LastHttpContent) {
            complete = true;
        }
        accept(piece);
    }

    abstract void accept(HttpContent piece);

    /**
     * Writes the body after a request head already written to {@code node}; {@code sent} (unless
     * null) is called when the last piece has been written, which may be later for a streamed body.
     */
    abstract void writeTo(Channel node, ChannelFutureListener sent);

    /** Writes and flushes the last piece, telling {@code sent} (unless null) when it is out. */
    static void writeLast(Channel node, Object last, ChannelFutureListener sent) {
        if (sent == null) {
            node.writeAndFlush(last, node.voidPromise());
        } else {
            node.writeAndFlush(last).addListener(sent);
        }
    }

    /** True while the node can take more pieces (false for kinds that are not piped). */
    boolean wantsMore() {
        return true;
    }

    /** Frees what it holds; idempotent. */
    abstract void release();

    /** No body. {@code declaredZero}: the client sent {@code Content-Length: 0}, which is forwarded. */
    static final class Empty extends RequestBody {

        Empty(boolean declaredZero) {
            super(declaredZero ? 0 : -1);
        }

        @Override
        boolean replayable() {
            return true;
        }

        @Override
        void accept(HttpContent piece) {
            piece.release();
        }

        @Override
        void writeTo(Channel node, ChannelFutureListener sent) {
            writeLast(node, LastHttpContent.EMPTY_LAST_CONTENT, sent);
        }

        @Override
        void release() {
        }
    }

    /** A complete body held in (pooled) memory until the request ends. */
    static final class Buffered extends RequestBody {
        private final CompositeByteBuf content;
        private boolean released;

        /** {@code length}: the declared one (the decoder delivers exactly that many bytes). */
        Buffered(CompositeByteBuf content, long length) {
            super(length);
            this.content = content;
        }

        @Override
        boolean replayable() {
            return !released;
        }

        @Override
        boolean neededBeforeSending() {
            return true;
        }

        @Override
        void accept(HttpContent piece) {
            if (released) {
                piece.release();
            } else {
                content.addComponent(true, piece.content()); // takes the piece's reference
            }
        }

        @Override
        void writeTo(Channel node, ChannelFutureListener sent) {
            // each attempt writes (and so releases) its own reference
            writeLast(node, new DefaultLastHttpContent(content.retainedDuplicate()), sent);
        }

        @Override
        void release() {
            if (!released) {
                released = true;
                content.release();
            }
        }
    }

    /** A body piped from the client to one node as it arrives. */
    static final class Streamed extends RequestBody {
        private final ArrayDeque<HttpContent> pending = new ArrayDeque<>();
        private Channel node;
        private ChannelFutureListener sent;
        private boolean opened;

        Streamed(long length) {
            super(length);
        }

        @Override
        boolean replayable() {
            return !opened;
        }

        @Override
        void accept(HttpContent piece) {
            if (node == null) {
                pending.add(piece);
            } else {
                write(piece);
            }
        }

        @Override
        void writeTo(Channel node, ChannelFutureListener sent) {
            this.opened = true;
            this.node = node;
            this.sent = sent;
            HttpContent piece;
            while ((piece = pending.poll()) != null) {
                write(piece);
            }
            node.flush();
        }

        private void write(HttpContent piece) {
            if (!node.isActive()) {
                piece.release(); // the attempt has failed; the node channel's closing reports it
            } else if (piece instanceof LastHttpContent) {
                writeLast(node, piece, sent);
            } else {
                node.writeAndFlush(piece, node.voidPromise());
            }
        }

        /** Before an attempt: read on while nothing piles up; during one: while the node keeps up. */
        @Override
        boolean wantsMore() {
            return node == null ? pending.isEmpty() : node.isWritable();
        }

        @Override
        void release() {
            HttpContent piece;
            while ((piece = pending.poll()) != null) {
                piece.release();
            }
        }
    }
}
