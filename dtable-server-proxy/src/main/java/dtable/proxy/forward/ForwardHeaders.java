package dtable.proxy.forward;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * Header rules of a forwarding hop (RFC 9110 §7.6.1): hop-by-hop headers, and those named in
 * {@code Connection}, stay on their hop; {@code X-Forwarded-For/-Proto/-Host} tell the node who
 * asked. {@code Host} and {@code Content-Length} are set per attempt by the client (the latter from
 * the body actually sent). Pure functions; thread-safe.
 *
 * <p>Why copy everything and then remove: Netty copies one header map into another of the same kind
 * (validating {@link DefaultHttpHeaders}, as its decoders produce) without validating each name
 * again, and a handful of removals by hashed name is cheaper than filtering every header by string.
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
        removeHopByHop(out, inbound.get(HttpHeaderNames.CONNECTION));
        out.remove(HttpHeaderNames.HOST);
        out.remove(HttpHeaderNames.CONTENT_LENGTH);
        out.remove(HttpHeaderNames.EXPECT);
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
     * Replaces the proxy's response headers by a node's, leaving hop-by-hop headers on their hop.
     * Call before anything else is put into {@code toClient}.
     */
    public static void copyResponse(HttpHeaders fromNode, HttpHeaders toClient) {
        toClient.set(fromNode);
        removeHopByHop(toClient, fromNode.get(HttpHeaderNames.CONNECTION));
    }

    private static void removeHopByHop(HttpHeaders headers, String connection) {
        if (connection != null) {
            // e.g. "close", "keep-alive" or names of extra hop-by-hop headers
            for (String token : connection.split(",")) {
                String name = token.trim();
                if (!name.isEmpty()) {
                    headers.remove(name);
                }
            }
        }
        for (AsciiString name : HOP_BY_HOP) {
            headers.remove(name);
        }
    }
}
