package dtable.proxy.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The head of a node's answer to a GET forwarded as bytes ({@link ByteExchange}): its status, how its body is
 * framed, whether the node keeps the connection, and the head for the client without the hop-by-hop fields, as
 * {@link ForwardHeaders#forResponse} makes it on the codec path. The body's framing goes on unchanged:
 * {@code Content-Length}, or {@code Transfer-Encoding: chunked} with the chunks as the node wrote them.
 *
 * <p>A head it does not fully understand is {@link Kind#UNUSABLE}, and the request is sent again on the codec path
 * (a GET may be repeated): a status line other than {@code HTTP/1.1}, an interim 1xx answer, a body that ends
 * only when the connection closes, a transfer coding other than {@code chunked}, a {@code Connection} field that
 * names other fields, or a head longer than {@link #MAX_HEAD}. The cluster's own nodes send none of these.
 *
 * <p>One instance per exchange; event loop only.
 */
final class ResponseHead {

    enum Kind { INCOMPLETE, USABLE, UNUSABLE }

    /** How the body that follows the head is framed. */
    enum Body { NONE, LENGTH, CHUNKED }

    /** Longest node head taken (Netty's client codec allows 8 KiB of header lines by default). */
    static final int MAX_HEAD = 16 * 1024;

    /** The bytes parsed last, from the head's start; positions below are indexes into it. */
    private byte[] bytes;
    private int status;
    private int length;
    private Body body;
    private long contentLength;
    private boolean keepAlive;
    private int statusLineEnd;
    private int[] kept = new int[32];
    private int keptCount;

    /** Reads the head at {@code in}'s reader index (without moving it). */
    Kind parse(ByteBuf in) {
        bytes = new byte[Math.min(in.readableBytes(), MAX_HEAD)]; // one bulk copy, as in RequestHead
        in.getBytes(in.readerIndex(), bytes);
        return parse(bytes, in.readableBytes());
    }

    private Kind parse(byte[] in, int available) {
        int start = 0;
        int limit = in.length;
        keptCount = 0;
        keepAlive = true;
        contentLength = -1;
        boolean chunked = false;
        int lineEnd = RequestHead.indexOf(in, start, limit, (byte) '\n');
        if (lineEnd < 0) {
            return available >= MAX_HEAD ? Kind.UNUSABLE : Kind.INCOMPLETE;
        }
        status = statusLine(in, start, lineEnd);
        if (status < 200) {
            return Kind.UNUSABLE; // not HTTP/1.1, malformed, or an interim answer
        }
        statusLineEnd = lineEnd + 1;
        int line = statusLineEnd;
        while (true) {
            lineEnd = RequestHead.indexOf(in, line, limit, (byte) '\n');
            if (lineEnd < 0) {
                return available >= MAX_HEAD ? Kind.UNUSABLE : Kind.INCOMPLETE;
            }
            if (lineEnd == line || in[lineEnd - 1] != '\r') {
                return Kind.UNUSABLE;
            }
            if (lineEnd == line + 1) {
                break;
            }
            int colon = RequestHead.indexOf(in, line, lineEnd, (byte) ':');
            if (colon <= line || in[line] == ' ' || in[line] == '\t') {
                return Kind.UNUSABLE;
            }
            int valueStart = colon + 1;
            int valueEnd = lineEnd - 1;
            while (valueStart < valueEnd && (in[valueStart] == ' ' || in[valueStart] == '\t')) {
                valueStart++;
            }
            while (valueEnd > valueStart && (in[valueEnd - 1] == ' ' || in[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            int nameLength = colon - line;
            boolean keep = !ForwardHeaders.isHopByHop(in, line, nameLength);
            switch (nameLength) {
                case 10 -> {
                    if (RequestHead.named(in, line, "connection") && !connection(in, valueStart, valueEnd)) {
                        return Kind.UNUSABLE;
                    }
                }
                case 14 -> {
                    if (RequestHead.named(in, line, "content-length")) {
                        long value = RequestHead.digits(in, valueStart, valueEnd);
                        if (value < 0 || contentLength >= 0 && value != contentLength) {
                            return Kind.UNUSABLE;
                        }
                        contentLength = value;
                    }
                }
                case 17 -> {
                    if (RequestHead.named(in, line, "transfer-encoding")) {
                        if (chunked || !RequestHead.valueIs(in, valueStart, valueEnd, "chunked")) {
                            return Kind.UNUSABLE;
                        }
                        chunked = true;
                        keep = true; // the body's framing, passed through with the chunks
                    }
                }
                default -> { }
            }
            if (keep) {
                if (keptCount * 2 == kept.length) {
                    kept = java.util.Arrays.copyOf(kept, kept.length * 2);
                }
                kept[2 * keptCount] = line;
                kept[2 * keptCount + 1] = lineEnd + 1;
                keptCount++;
            }
            line = lineEnd + 1;
        }
        length = lineEnd + 1 - start;
        if (status == 204 || status == 304) {
            body = Body.NONE;
        } else if (chunked) {
            if (contentLength >= 0) {
                return Kind.UNUSABLE;
            }
            body = Body.CHUNKED;
        } else if (contentLength >= 0) {
            body = contentLength == 0 ? Body.NONE : Body.LENGTH;
        } else {
            return Kind.UNUSABLE; // the body ends when the node closes: the codec path frames it again
        }
        return Kind.USABLE;
    }

    /** {@code HTTP/1.1 SP 3DIGIT [SP reason] CRLF}: the status, or -1. */
    private static int statusLine(byte[] in, int start, int lineEnd) {
        if (lineEnd - start < 13 || in[lineEnd - 1] != '\r' || !RequestHead.named(in, start, "http/1.1 ")) {
            return -1;
        }
        int status = 0;
        for (int i = start + 9; i < start + 12; i++) {
            byte b = in[i];
            if (b < '0' || b > '9') {
                return -1;
            }
            status = status * 10 + (b - '0');
        }
        return in[start + 12] == ' ' || start + 12 == lineEnd - 1 ? status : -1;
    }

    /** {@code close} and {@code keep-alive} are understood; false for any other token (a field name to drop). */
    private boolean connection(byte[] in, int start, int end) {
        int token = start;
        while (token <= end) {
            int comma = RequestHead.indexOf(in, token, end, (byte) ',');
            int tokenEnd = comma < 0 ? end : comma;
            int from = token;
            int to = tokenEnd;
            while (from < to && in[from] == ' ') {
                from++;
            }
            while (to > from && in[to - 1] == ' ') {
                to--;
            }
            if (RequestHead.valueIs(in, from, to, "close")) {
                keepAlive = false;
            } else if (to > from && !RequestHead.valueIs(in, from, to, "keep-alive")) {
                return false;
            }
            token = tokenEnd + 1;
        }
        return true;
    }

    int status() {
        return status;
    }

    /** Bytes of the head, blank line included. */
    int length() {
        return length;
    }

    Body body() {
        return body;
    }

    /** The body's length for {@link Body#LENGTH}. */
    long contentLength() {
        return contentLength;
    }

    /** The node keeps the connection open after this answer. */
    boolean keepAlive() {
        return keepAlive;
    }

    /**
     * The head for the client (the status line and the end-to-end fields, as received) in a new buffer, followed
     * by the first {@code bodyBytes} bytes after the head in {@code in}: one write for a small answer.
     */
    ByteBuf clientHead(ByteBufAllocator alloc, ByteBuf in, int bodyBytes) {
        RequestHead.Lines head = new RequestHead.Lines(length);
        head.add(bytes, 0, statusLineEnd);
        for (int i = 0; i < keptCount; i++) {
            head.add(bytes, kept[2 * i], kept[2 * i + 1]);
        }
        head.crlf();
        ByteBuf out = alloc.buffer(head.length + bodyBytes);
        out.writeBytes(head.bytes, 0, head.length);
        out.writeBytes(in, in.readerIndex() + length, bodyBytes);
        return out;
    }
}
