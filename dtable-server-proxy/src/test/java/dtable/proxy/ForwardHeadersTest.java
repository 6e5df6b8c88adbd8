package dtable.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.proxy.forward.ForwardHeaders;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ForwardHeadersTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("10.1.2.3", 40000);

    @Test
    void dropsHopByHopHeadersAndThoseNamedInConnection() {
        HttpHeaders inbound = new DefaultHttpHeaders()
                .add("Host", "proxy:5550")
                .add("Connection", "keep-alive, X-Secret-Hop")
                .add("Keep-Alive", "timeout=5")
                .add("X-Secret-Hop", "1")
                .add("Transfer-Encoding", "chunked")
                .add("TE", "trailers")
                .add("Upgrade", "websocket")
                .add("Proxy-Authorization", "Basic x")
                .add("Expect", "100-continue")
                .add("Content-Length", "12")
                .add("Authorization", "Token t")
                .add("Accept", "application/json")
                .add("Accept", "text/plain");

        HttpHeaders out = ForwardHeaders.forRequest(inbound, CLIENT, "http");

        assertThat(out.names()).map(name -> name.toLowerCase(java.util.Locale.ROOT)).containsExactlyInAnyOrder(
                "authorization", "accept", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host");
        assertThat(out.getAll("Accept")).containsExactly("application/json", "text/plain");
        assertForwarded(out, "10.1.2.3", "http", "proxy:5550");
    }

    @Test
    void extendsAnOuterProxysForwardingHeaders() {
        HttpHeaders inbound = new DefaultHttpHeaders()
                .add("Host", "internal:5550")
                .add("X-Forwarded-For", "203.0.113.9")
                .add("X-Forwarded-Proto", "https")
                .add("X-Forwarded-Host", "cloud.example.com");

        HttpHeaders out = ForwardHeaders.forRequest(inbound, CLIENT, "http");

        assertForwarded(out, "203.0.113.9, 10.1.2.3", "https", "cloud.example.com");
    }

    @Test
    void responseHeadersKeepEndToEndOnes() {
        HttpHeaders fromNode = new DefaultHttpHeaders()
                .add("Connection", "close")
                .add("Transfer-Encoding", "chunked")
                .add("X-Dtable-Node", "dtable-server-01")
                .add("Retry-After", "1")
                .add("Content-Type", "application/json")
                .add("Set-Cookie", "a=1")
                .add("Set-Cookie", "b=2");

        HttpHeaders toClient = ForwardHeaders.forResponse(fromNode);

        assertThat(toClient.names()).containsExactlyInAnyOrder("X-Dtable-Node", "Retry-After", "Content-Type",
                "Set-Cookie");
        assertThat(toClient.getAll("Set-Cookie")).containsExactly("a=1", "b=2");
    }

    @Test
    void backoffDoublesFrom50msTo500ms() {
        ProxySettings settings = ProxySettings.defaults();
        assertThat(settings.backoff(0)).isEqualTo(Duration.ofMillis(50));
        assertThat(settings.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(settings.backoff(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(settings.backoff(4)).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.backoff(60)).isEqualTo(Duration.ofMillis(500));
    }

    private static void assertForwarded(HttpHeaders out, String forwardedFor, String proto, String host) {
        assertThat(out.get("X-Forwarded-For")).isEqualTo(forwardedFor);
        assertThat(out.get("X-Forwarded-Proto")).isEqualTo(proto);
        assertThat(out.get("X-Forwarded-Host")).isEqualTo(host);
    }
}
