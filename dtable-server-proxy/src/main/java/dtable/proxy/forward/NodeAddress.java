package dtable.proxy.forward;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * Where a node (or the slave) listens, parsed once from its {@code local_node_url}.
 *
 * @param socket     host and port, unresolved: a host name is looked up for each new connection
 * @param secure     {@code https}
 * @param hostHeader the {@code Host} header for requests to it
 * @param pathPrefix the URL's path without trailing slash, usually empty; prepended to request paths
 */
public record NodeAddress(InetSocketAddress socket, boolean secure, String hostHeader, String pathPrefix) {

    /** @throws IllegalArgumentException when {@code url} is not an http(s) URL with a host */
    public static NodeAddress parse(String url) {
        URI uri = URI.create(url.trim());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) URL with a host: " + url);
        }
        boolean secure = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        String host = uri.getHost();
        String hostHeader = uri.getPort() > 0 ? host + ":" + port : host;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String prefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return new NodeAddress(InetSocketAddress.createUnresolved(bareHost, port), secure, hostHeader, prefix);
    }
}
