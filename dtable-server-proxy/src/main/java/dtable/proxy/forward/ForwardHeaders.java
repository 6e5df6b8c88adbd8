package dtable.proxy.forward;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Header rules of a forwarding hop (RFC 9110 §7.6.1): hop-by-hop headers, and those named in
 * {@code Connection}, stay on their hop; {@code X-Forwarded-For/-Proto/-Host} tell the node who
 * asked. {@code Host} and {@code Content-Length} are set per attempt by the client (the latter from
 * the body actually sent). Pure functions; thread-safe.
 */
public final class ForwardHeaders {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");
    public static final String X_FORWARDED_FOR = "X-Forwarded-For";
    public static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
    public static final String X_FORWARDED_HOST = "X-Forwarded-Host";

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
        Set<String> connectionTokens = connectionTokens(inbound);
        HttpHeaders out = new DefaultHttpHeaders(false); // names and values were validated on the way in
        for (Map.Entry<String, String> header : inbound) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || connectionTokens.contains(name) || name.equals("host")
                    || name.equals("content-length") || name.equals("expect")) {
                continue;
            }
            out.add(header.getKey(), header.getValue());
        }
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
        if (!inbound.contains(X_FORWARDED_HOST) && host != null) {
            out.set(X_FORWARDED_HOST, host);
        }
        return out;
    }

    /** Copies a node's response headers to the proxy's response, leaving hop-by-hop headers on their hop. */
    public static void copyResponse(HttpHeaders fromNode, HttpHeaders toClient) {
        Set<String> connectionTokens = connectionTokens(fromNode);
        for (Map.Entry<String, String> header : fromNode) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !connectionTokens.contains(name)) {
                toClient.add(header.getKey(), header.getValue());
            }
        }
    }

    private static Set<String> connectionTokens(HttpHeaders headers) {
        String connection = headers.get(HttpHeaderNames.CONNECTION);
        if (connection == null) {
            return Set.of();
        }
        Set<String> tokens = new java.util.HashSet<>();
        for (String token : connection.split(",")) {
            String trimmed = token.trim().toLowerCase(Locale.ROOT);
            if (!trimmed.isEmpty()) {
                tokens.add(trimmed);
            }
        }
        return tokens;
    }
}
