package dtable.proxy.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The head of one client request read straight from the connection's bytes, for {@link ByteForwardingHandler}:
 * is it a plain GET that can go to a node as bytes, a request of known length for the HTTP codec, or something
 * only the codec can take apart? It is conservative: whatever it does not fully understand is {@link Kind#OPAQUE},
 * and the codec decides (and answers 400 where it must).
 *
 * <p>A plain GET is: method {@code GET}, an origin-form target of visible ASCII, {@code HTTP/1.1}, a head of at most
 * {@link #MAX_HEAD} bytes, every line ending in CRLF, header names of token characters and values of visible ASCII,
 * space and tab; no body (no {@code Transfer-Encoding}, {@code Content-Length} absent or 0, as some clients send with
 * every request), no {@code Expect} or {@code Upgrade},
 * {@code Connection} absent or {@code keep-alive}, at most one {@code Host} and one {@code X-Forwarded-For}.
 * Anything the codec path would refuse is thus never a plain GET.
 *
 * <p>One instance per client connection, reused for each request; event loop only.
 */
final class RequestHead {

    /** What the head is. */
    enum Kind {
        /** the head has not arrived completely yet */
        INCOMPLETE,
        /** a plain GET (see above): {@link #uri}, {@link #nodeHead} */
        PLAIN_GET,
        /** any other request whose end is known: {@link #length} bytes, head and body */
        SIZED,
        /** framing the codec must work out (chunked, upgrade, HTTP/1.0, malformed, too long) */
        OPAQUE
    }

    /** Reactor Netty's default limit for the header lines; a longer head is left to the codec. */
    static final int MAX_HEAD = 8192;
    /** Reactor Netty's default limit for the request line. */
    static final int MAX_REQUEST_LINE = 4096;

    private static final byte[] GET = "GET ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP_11 = "HTTP/1.1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOST_LINE = "host: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XFF_LINE = "x-forwarded-for: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XFP_LINE = "x-forwarded-proto: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] XFH_LINE = "x-forwarded-host: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] COMMA = {',', ' '};
    private static final byte[] VERSION_LINE_END = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Token characters (RFC 9110 §5.6.2). */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    /** The start of the bytes parsed last (the head, if complete); positions below are indexes into it. */
    private byte[] bytes;
    private int length;
    private String uri;
    private boolean plainGet;
    private long contentLength;
    private int contentLengths;
    private boolean chunkedOrUpgrade;
    private boolean notForBytes;
    private int hostStart;
    private int hostEnd;
    private int hosts;
    private int xffStart;
    private int xffEnd;
    private int xffs;
    private boolean hasProto;
    private boolean hasForwardedHost;
    /** Start and end (after CRLF) of each header line that goes to the node unchanged. */
    private int[] kept = new int[32];
    private int keptCount;

    /**
     * Reads the head at {@code in}'s reader index (without moving it).
     *
     * @return what it is; {@link #length()} and {@link #uri()} describe it where its kind says so
     */
    Kind parse(ByteBuf in) {
        reset();
        // one bulk copy: single-byte reads of a direct buffer cost a bounds and liveness check each
        bytes = new byte[Math.min(in.readableBytes(), MAX_HEAD)];
        in.getBytes(in.readerIndex(), bytes);
        return parseHead(bytes, 0, bytes.length, in.readableBytes());
    }

    /** Bytes of the request: the head, plus the body for {@link Kind#SIZED} (a plain GET has none). */
    int length() {
        return length;
    }

    /** The target of a plain GET (path and query, as received). */
    String uri() {
        return uri;
    }

    private void reset() {
        length = 0;
        uri = null;
        plainGet = false;
        contentLength = 0;
        contentLengths = 0;
        chunkedOrUpgrade = false;
        notForBytes = false;
        hosts = 0;
        xffs = 0;
        hasProto = false;
        hasForwardedHost = false;
        keptCount = 0;
    }

    /** @param available all bytes received, of which {@code in} holds the first {@code end} */
    private Kind parseHead(byte[] in, int start, int end, int available) {
        int lineEnd = indexOf(in, start, end, (byte) '\n');
        if (lineEnd < 0) {
            return available >= MAX_HEAD ? Kind.OPAQUE : Kind.INCOMPLETE;
        }
        if (!requestLine(in, start, lineEnd)) {
            return Kind.OPAQUE;
        }
        int line = lineEnd + 1;
        while (true) {
            lineEnd = indexOf(in, line, end, (byte) '\n');
            if (lineEnd < 0) {
                return available >= MAX_HEAD ? Kind.OPAQUE : Kind.INCOMPLETE;
            }
            if (lineEnd == line || in[lineEnd - 1] != '\r') {
                return Kind.OPAQUE; // a bare LF
            }
            if (lineEnd == line + 1) {
                break; // the empty line: the head ends
            }
            if (!headerLine(in, line, lineEnd)) {
                return Kind.OPAQUE;
            }
            line = lineEnd + 1;
        }
        int headLength = lineEnd + 1 - start;
        if (chunkedOrUpgrade || contentLengths > 1) {
            return Kind.OPAQUE;
        }
        if (plainGet && contentLength == 0 && !notForBytes && hosts <= 1 && xffs <= 1) {
            length = headLength;
            return Kind.PLAIN_GET;
        }
        if (contentLength > Integer.MAX_VALUE - headLength) {
            return Kind.OPAQUE;
        }
        length = headLength + (int) contentLength;
        return Kind.SIZED;
    }

    /** {@code METHOD SP target SP HTTP/1.1 CRLF}; remembers a GET's target. */
    private boolean requestLine(byte[] in, int start, int lineEnd) {
        if (lineEnd == start || in[lineEnd - 1] != '\r' || lineEnd - start > MAX_REQUEST_LINE) {
            return false;
        }
        int end = lineEnd - 1;
        int space = start;
        while (space < end && isTchar(in[space])) {
            space++;
        }
        if (space == start || space >= end || in[space] != ' ') {
            return false;
        }
        int targetStart = space + 1;
        int targetEnd = targetStart;
        while (targetEnd < end && in[targetEnd] > ' ' && in[targetEnd] < 0x7f) {
            targetEnd++;
        }
        if (targetEnd == targetStart || targetEnd >= end || in[targetEnd] != ' '
                || end - targetEnd - 1 != HTTP_11.length || !matches(in, targetEnd + 1, HTTP_11)) {
            return false; // HTTP/1.0 and the rest: the codec knows their keep-alive rules
        }
        if (space - start == 3 && matches(in, start, GET) && in[targetStart] == '/') {
            plainGet = true;
            uri = new String(in, targetStart, targetEnd - targetStart, StandardCharsets.US_ASCII);
        }
        return true;
    }

    /** {@code name: value CRLF} from {@code line} to {@code lineEnd} (the LF). */
    private boolean headerLine(byte[] in, int line, int lineEnd) {
        int colon = line;
        while (colon < lineEnd && isTchar(in[colon])) {
            colon++;
        }
        if (colon == line || in[colon] != ':') {
            return false; // folded lines, spaces before the colon, bad names
        }
        int valueStart = colon + 1;
        int valueEnd = lineEnd - 1;
        for (int i = valueStart; i < valueEnd; i++) {
            byte b = in[i];
            if ((b < ' ' && b != '\t') || b == 0x7f) { // negative: obs-text, which the codec may treat otherwise
                return false;
            }
        }
        while (valueStart < valueEnd && isBlank(in[valueStart])) {
            valueStart++;
        }
        while (valueEnd > valueStart && isBlank(in[valueEnd - 1])) {
            valueEnd--;
        }
        int nameLength = colon - line;
        boolean keep = !ForwardHeaders.isHopByHop(in, line, nameLength); // Connection, TE, Upgrade, Proxy-*, ...
        switch (nameLength) {
            case 4 -> {
                if (named(in, line, "host")) {
                    hosts++;
                    hostStart = valueStart;
                    hostEnd = valueEnd;
                    keep = false; // the node's own
                }
            }
            case 6 -> {
                if (named(in, line, "expect")) {
                    notForBytes = true;
                }
            }
            case 7 -> chunkedOrUpgrade |= named(in, line, "upgrade");
            case 10 -> {
                if (named(in, line, "connection")) {
                    notForBytes |= !valueIs(in, valueStart, valueEnd, "keep-alive");
                }
            }
            case 14 -> {
                if (named(in, line, "content-length")) {
                    contentLengths++;
                    contentLength = digits(in, valueStart, valueEnd);
                    if (contentLength < 0) {
                        return false;
                    }
                    keep = false;
                }
            }
            case 15 -> {
                if (named(in, line, "x-forwarded-for")) {
                    xffs++;
                    xffStart = valueStart;
                    xffEnd = valueEnd;
                    keep = false; // written again with the client's address
                }
            }
            case 16 -> hasForwardedHost |= named(in, line, "x-forwarded-host");
            case 17 -> {
                chunkedOrUpgrade |= named(in, line, "transfer-encoding");
                hasProto |= named(in, line, "x-forwarded-proto");
            }
            default -> { }
        }
        if (keep) {
            if (keptCount * 2 == kept.length) {
                kept = java.util.Arrays.copyOf(kept, kept.length * 2);
            }
            kept[keptCount * 2] = line;
            kept[keptCount * 2 + 1] = lineEnd + 1;
            keptCount++;
        }
        return true;
    }

    /**
     * The head of this plain GET for a node, as {@link ForwardHeaders#forRequest} would make it: the request line
     * with the node's path prefix, the client's header lines but the hop-by-hop ones, then {@code Host},
     * {@code X-Forwarded-For} (the client's address appended) and, unless an outer proxy set them,
     * {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}.
     *
     * @param clientIp the client's address, or null when it has none (then {@code X-Forwarded-For} stays as it was)
     */
    ByteBuf nodeHead(ByteBufAllocator alloc, NodeAddress node, String clientIp, String scheme) {
        byte[] in = bytes;
        Lines head = new Lines(length + node.pathPrefix().length() + node.hostHeader().length()
                + (clientIp == null ? 0 : clientIp.length()) + 96);
        head.add(GET).add(node.pathPrefix()).add(uri).add(VERSION_LINE_END);
        for (int i = 0; i < keptCount; i++) {
            head.add(in, kept[2 * i], kept[2 * i + 1]);
        }
        head.add(HOST_LINE).add(node.hostHeader()).crlf();
        if (clientIp != null) {
            head.add(XFF_LINE);
            if (xffs == 1 && xffEnd > xffStart) {
                head.add(in, xffStart, xffEnd).add(COMMA);
            }
            head.add(clientIp).crlf();
        } else if (xffs == 1) {
            head.add(XFF_LINE).add(in, xffStart, xffEnd).crlf();
        }
        if (!hasProto) {
            head.add(XFP_LINE).add(scheme).crlf();
        }
        if (hosts == 1 && !hasForwardedHost) {
            head.add(XFH_LINE).add(in, hostStart, hostEnd).crlf();
        }
        head.crlf();
        return alloc.buffer(head.length).writeBytes(head.bytes, 0, head.length);
    }

    /** A head being put together in an array, written to a buffer in one piece. */
    static final class Lines {
        byte[] bytes;
        int length;

        Lines(int capacity) {
            bytes = new byte[capacity];
        }

        Lines add(byte[] from, int start, int end) {
            int n = end - start;
            if (length + n > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
            }
            System.arraycopy(from, start, bytes, length, n);
            length += n;
            return this;
        }

        Lines add(byte[] from) {
            return add(from, 0, from.length);
        }

        Lines add(String ascii) {
            return add(ascii.getBytes(StandardCharsets.ISO_8859_1));
        }

        Lines crlf() {
            return add(CRLF);
        }
    }

    static int indexOf(byte[] in, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (in[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isTchar(byte b) {
        return b > 0 && TCHAR[b];
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }

    private static boolean matches(byte[] in, int at, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (in[at + i] != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    /** Case-insensitive: {@code lower} is lower case and as long as the name at {@code at}. */
    static boolean named(byte[] in, int at, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            int b = in[at + i];
            if (b >= 'A' && b <= 'Z') {
                b += 32;
            }
            if (b != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static boolean valueIs(byte[] in, int start, int end, String lower) {
        return end - start == lower.length() && named(in, start, lower);
    }

    /** A non-negative decimal of at most 18 digits, or -1. */
    static long digits(byte[] in, int start, int end) {
        if (start == end || end - start > 18) {
            return -1;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            byte b = in[i];
            if (b < '0' || b > '9') {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }
}
