package dtable.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.Bucket;
import dtable.testsupport.EtcdExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The write port through a real proxy and etcd (docs/architecture.md, "The write port"): a node that
 * registered a {@code write_url} gets the six hot row writes there and everything else on its
 * {@code local_node_url}; a node without one gets everything on its local URL. Each node is a
 * {@link FakeNode}, its write port a second one.
 */
@Tag("integration")
class WritePortRoutingIntegrationTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    private static final String FAST_BASE = "a0000000-0000-4000-8000-00000000000a";
    private static final String PLAIN_BASE = "b0000000-0000-4000-8000-00000000000b";
    private static final FakeNode FAST = FakeNode.start("fast-a");
    private static final FakeNode FAST_WRITE_PORT = FakeNode.start("fast-a");
    private static final FakeNode PLAIN = FakeNode.start("plain-b");
    private static ProxyHarness proxy;

    @BeforeAll
    static void startProxy() {
        proxy = ProxyHarness.start(etcd.endpoints(), "/write-port-test/", Duration.ofSeconds(5), Optional.empty());
        proxy.own(FAST.info(FAST_WRITE_PORT.url()), Bucket.of(FAST_BASE.substring(0, 2)));
        proxy.own(PLAIN.info(), Bucket.of(PLAIN_BASE.substring(0, 2)));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        List.of(FAST, FAST_WRITE_PORT, PLAIN).forEach(FakeNode::close);
    }

    /** Method, path and query with {@code {u}} for the base, and whether it is one of the six hot writes. */
    static Stream<Arguments> requests() {
        List<Arguments> all = new ArrayList<>();
        for (String hot : List.of("POST rows", "PUT rows", "DELETE rows", "POST batch-append-rows",
                "PUT batch-update-rows", "DELETE batch-delete-rows")) {
            String method = hot.substring(0, hot.indexOf(' '));
            String path = "/api/v1/dtables/{u}/" + hot.substring(hot.indexOf(' ') + 1);
            all.add(Arguments.of(method, path + "/", true));
            all.add(Arguments.of(method, path, true));
            all.add(Arguments.of(method, path + "/?table_name=Table%201", true));
        }
        for (String other : List.of("GET /api/v1/dtables/{u}/rows/?table_name=T", "GET /api/v1/dtables/{u}/",
                "PUT /api/v1/dtables/{u}/rows/AbCdEf/", "DELETE /api/v1/dtables/{u}/rows/AbCdEf",
                "POST /api/v1/dtables/{u}/operations/", "PUT /api/v1/dtables/{u}/batch-append-rows/",
                "POST /api/v1/dtables/{u}/batch-delete-rows/", "POST /api/v1/dtables/{u}/columns/",
                "POST /api/v1/internal/dtables/{u}/rows/", "POST /api-gateway/api/v2/dtables/{u}/rows/",
                "PUT /api-gateway/api/v2/dtables/{u}/batch-update-rows/", "GET /dtables/{u}/",
                "POST /socket.io/?EIO=4&transport=polling&dtable_uuid={u}")) {
            all.add(Arguments.of(other.substring(0, other.indexOf(' ')), other.substring(other.indexOf(' ') + 1),
                    false));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("requests")
    void aNodesWritePortGetsTheSixHotRowWritesAndItsLocalUrlEverythingElse(String method, String path, boolean hot) {
        String uri = path.replace("{u}", FAST_BASE);
        FakeNode expected = hot ? FAST_WRITE_PORT : FAST;
        FakeNode other = hot ? FAST : FAST_WRITE_PORT;
        int otherCalls = other.calls();

        assertReached(expected, method, uri);
        assertThat(other.calls()).as("calls on the other port of the node").isEqualTo(otherCalls);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("requests")
    void aNodeWithoutAWritePortGetsEverythingOnItsLocalUrl(String method, String path, boolean hot) {
        int writePortCalls = FAST_WRITE_PORT.calls();

        assertReached(PLAIN, method, path.replace("{u}", PLAIN_BASE));
        assertThat(FAST_WRITE_PORT.calls()).isEqualTo(writePortCalls);
    }

    @Test
    void theClusterMapShowsAWriteUrlOnlyForTheNodeThatRegisteredOne() {
        JsonNode nodes = ForwardingIntegrationTest.json(proxy.get("/api/v1/cluster/map/").body()).get("nodes");

        assertThat(nodes).hasSize(2);
        for (JsonNode node : nodes) {
            if (node.get("node_id").asString().equals("fast-a")) {
                assertThat(node.get("write_url").asString()).isEqualTo(FAST_WRITE_PORT.url());
                assertThat(node.get("local_node_url").asString()).isEqualTo(FAST.url());
            } else {
                assertThat(node.has("write_url")).as(node.toString()).isFalse();
            }
        }
    }

    @Test
    void serverInfoNamesTheWritePortOnlyOfAnOwnerThatRegisteredOne() {
        JsonNode fast = ForwardingIntegrationTest.json(proxy.get("/api/v1/dtables/" + FAST_BASE + "/server-info/").body());
        JsonNode plain = ForwardingIntegrationTest.json(proxy.get("/api/v1/dtables/" + PLAIN_BASE + "/server-info/").body());

        assertThat(fast.get("write_url").asString()).isEqualTo(FAST_WRITE_PORT.url());
        assertThat(fast.get("local_node_url").asString()).isEqualTo(FAST.url());
        assertThat(plain.has("write_url")).as(plain.toString()).isFalse();
    }

    /** Sends {@code method uri} with a small body (none for GET) and checks that {@code node} got it as sent. */
    private static void assertReached(FakeNode node, String method, String uri) {
        int calls = node.calls();
        HttpRequest.BodyPublisher body = method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString("{\"table_name\":\"T\"}");

        HttpResponse<String> response = proxy.send(HttpRequest.newBuilder(proxy.uri(uri)).method(method, body));

        assertThat(response.statusCode()).as(method + " " + uri + ": " + response.body()).isEqualTo(200);
        assertThat(node.calls()).as(method + " " + uri).isEqualTo(calls + 1);
        FakeNode.Received seen = node.received().getLast();
        assertThat(seen.method()).isEqualTo(method);
        assertThat(seen.uri()).isEqualTo(uri);
    }
}
