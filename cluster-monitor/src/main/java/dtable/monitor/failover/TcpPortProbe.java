package dtable.monitor.failover;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * A TCP connect to the host and port of a node's {@code local_node_url}, closed at once (no HTTP request).
 * Only "connection refused" is {@link ProbeResult#REFUSED}: the peer's kernel answered with a reset because
 * nothing listens. A timeout, "no route to host" or "network unreachable" (a partition, a firewall that drops)
 * is {@link ProbeResult#NO_ANSWER}. A frozen (SIGSTOPped) process still has its listening socket, so the
 * kernel accepts the connection into the backlog: {@link ProbeResult#ACCEPTED}.
 */
public final class TcpPortProbe implements PortProbe {

    private final Duration connectTimeout;

    public TcpPortProbe(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    @Override
    public ProbeResult probe(String localNodeUrl) {
        InetSocketAddress address;
        try {
            address = address(localNodeUrl);
        } catch (IllegalArgumentException e) {
            return ProbeResult.NO_ANSWER;
        }
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) connectTimeout.toMillis());
            return ProbeResult.ACCEPTED;
        } catch (ConnectException e) {
            return isRefusal(e) ? ProbeResult.REFUSED : ProbeResult.NO_ANSWER;
        } catch (IOException | RuntimeException e) {
            return ProbeResult.NO_ANSWER;
        }
    }

    /** The JDK reports ECONNREFUSED as a {@link ConnectException} "Connection refused"; other causes say otherwise. */
    static boolean isRefusal(ConnectException e) {
        String message = e.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains("connection refused");
    }

    static InetSocketAddress address(String url) {
        URI uri = URI.create(url);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in " + url);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return new InetSocketAddress(uri.getHost(), port);
    }
}
