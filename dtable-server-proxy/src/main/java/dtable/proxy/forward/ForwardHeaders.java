package dtable.proxy.forward;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Header rules of a forwarding hop (RFC 9110 §7.6.1): hop-by-hop headers, and those named in
 * {@code Connection}, stay on their hop; {@code X-Forwarded-For/-Proto/-Host} tell the node who
 * asked. {@code Host} and {@code Content-Length} are set per attempt by the client (the latter from
 * the body actually sent). Pure functions; thread-safe.
 *
 * <p>Why copy everything and then remove: Netty copies one header map into another of the same kind
 * (validating {@link DefaultHttpHeaders}, as its decoders produce) without validating or hashing
 * each name again; one pass then finds the few hop-by-hop names actually present (usually just
 * {@code Connection}) by length and case-insensitive comparison, and only those are removed.
 */
public final class ForwardHeaders {

    private static final List<AsciiString> HOP_BY_HOP = List.of(HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE, AsciiString.cached("proxy-connection"), HttpHeaderNames.PROXY_AUTHENTICATE,
            HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.TE, HttpHeaderNames.TRAILER,
            HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE);
    public static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    public static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    public static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");

    private ForwardHeaders() {
    }

    /**
     * The headers to send to a node for a request with {@code inbound} headers from {@code client}.
     * Leaves out hop-by-hop headers, {@code Host}, {@code Content-Length} and {@code Expect} (the
     * proxy answers {@code 100-continue} itself).
     *
     * @param scheme the scheme the request reached the proxy with ({@code http})
     */
    public static HttpHeaders forRequest(HttpHeaders inbound, SocketAddress client, String scheme) {
        HttpHeaders out = new DefaultHttpHeaders();
        out.set(inbound);
        removeHopByHop(out, inbound.get(HttpHeaderNames.CONNECTION), true);
        String clientIp = client instanceof InetSocketAddress address && address.getAddress() != null
                ? address.getAddress().getHostAddress() : null;
        if (clientIp != null) {
            String before = inbound.get(X_FORWARDED_FOR);
            out.set(X_FORWARDED_FOR, before == null || before.isBlank() ? clientIp : before + ", " + clientIp);
        }
        // an outer load balancer's view wins: it saw the client's scheme and host first
        if (!inbound.contains(X_FORWARDED_PROTO)) {
            out.set(X_FORWARDED_PROTO, scheme);
        }
        String host = inbound.get(HttpHeaderNames.HOST);
        if (host != null && !inbound.contains(X_FORWARDED_HOST)) {
            out.set(X_FORWARDED_HOST, host);
        }
        return out;
    }

    /**
     * Turns a node's response headers into the client's, in place (the node's response object is the
     * proxy's own and is not used after this): hop-by-hop headers stay on their hop.
     */
    public static HttpHeaders forResponse(HttpHeaders fromNode) {
        removeHopByHop(fromNode, fromNode.get(HttpHeaderNames.CONNECTION), false);
        return fromNode;
    }

    /**
     * Removes hop-by-hop fields, those named in {@code connection}, and for a request also the fields
     * each attempt sets itself ({@code Host}, {@code Content-Length}) or the proxy handled ({@code Expect}).
     */
    private static void removeHopByHop(HttpHeaders headers, String connection, boolean request) {
        List<CharSequence> found = null;
        Iterator<Map.Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
        while (entries.hasNext()) {
            CharSequence name = entries.next().getKey();
            if (isHopByHop(name) || request && isSetPerAttempt(name)) {
                found = found == null ? new ArrayList<>(2) : found;
                found.add(name);
            }
        }
        if (found != null) {
            found.forEach(headers::remove);
        }
        if (connection != null) {
            // e.g. "close", "keep-alive", or names of extra hop-by-hop headers
            for (String token : connection.split(",")) {
                String name = token.trim();
                if (!name.isEmpty() && !isHopByHop(name)) {
                    headers.remove(name);
                }
            }
        }
    }

    private static boolean isSetPerAttempt(CharSequence name) {
        return switch (name.length()) {
            case 4 -> HttpHeaderNames.HOST.contentEqualsIgnoreCase(name);
            case 6 -> HttpHeaderNames.EXPECT.contentEqualsIgnoreCase(name);
            case 14 -> HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name);
            default -> false;
        };
    }

    /**
     * {@link #isHopByHop(CharSequence)} for a name of {@code length} ASCII bytes at {@code start} of {@code bytes}
     * (the byte path's heads, {@link RequestHead} and {@link ResponseHead}); no allocation.
     */
    static boolean isHopByHop(byte[] bytes, int start, int length) {
        for (AsciiString hop : HOP_BY_HOP) {
            if (hop.length() == length && equalsIgnoreCase(hop, bytes, start)) {
                return true;
            }
        }
        return false;
    }

    /** {@code lower} (lower case) against as many bytes at {@code start}, ignoring their case. */
    private static boolean equalsIgnoreCase(AsciiString lower, byte[] bytes, int start) {
        for (int i = 0; i < lower.length(); i++) {
            int b = bytes[start + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lower.byteAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** One of RFC 9110's hop-by-hop fields (and the non-standard {@code Proxy-Connection}). */
    static boolean isHopByHop(CharSequence name) {
        return switch (name.length()) {
            case 2, 7, 10, 16, 17, 18, 19 -> {
                for (AsciiString hop : HOP_BY_HOP) {
                    if (hop.length() == name.length() && hop.contentEqualsIgnoreCase(name)) {
                        yield true;
                    }
                }
                yield false;
            }
            default -> false;
        };
    }
}
