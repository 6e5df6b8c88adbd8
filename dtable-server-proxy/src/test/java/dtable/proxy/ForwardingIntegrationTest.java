package dtable.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.BaseUuid;
import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.etcd.ClusterWatcher;
import dtable.proxy.forward.Forwarder;
import dtable.testsupport.EtcdExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Routing through a real proxy, a real etcd and three fake nodes: every request reaches the owner the
 * map names, intact; server-info and the cluster map agree with the map; the proxy answers bad UUIDs
 * and unknown paths itself.
 */
@Tag("integration")
class ForwardingIntegrationTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<FakeNode> NODES = List.of(FakeNode.start("node-a"), FakeNode.start("node-b"),
            FakeNode.start("node-c"));
    private static ProxyHarness proxy;

    @BeforeAll
    static void startProxy() {
        proxy = ProxyHarness.start(etcd.endpoints(), "/forwarding-test/", Duration.ofSeconds(5), Optional.empty());
        NODES.forEach(node -> proxy.register(node.info()));
        proxy.awaitSeen(proxy.assignRoundRobin(NODES.stream().map(FakeNode::nodeId).toList()));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        NODES.forEach(FakeNode::close);
    }

    @Test
    void everyRequestReachesTheOwnerTheMapNamesWithMethodQueryHeadersAndBodyIntact() {
        Random random = new Random(42);
        Set<Bucket> buckets = new HashSet<>();
        String[] methods = {"GET", "POST", "PUT", "DELETE"};
        for (int i = 0; i < 80; i++) {
            BaseUuid base = BaseUuid.parse(new UUID(random.nextLong(), random.nextLong()).toString());
            buckets.add(base.bucket());
            String method = methods[i % methods.length];
            String path = switch (i % 5) {
                case 0 -> "/api/v1/dtables/" + base + "/rows/?table_name=Table%201&start=0&limit=10";
                case 1 -> "/api/v1/dtables/" + base.compact().toUpperCase() + "/batch-append-rows/?x=1&x=2";
                case 2 -> "/api/v1/internal/dtables/" + base + "/operations/?from_version=3";
                case 3 -> "/dtables/" + base + "?lang=en";
                default -> "/dtables/" + base + "/";
            };
            String body = method.equals("GET") ? "" : "{\"table_name\":\"T\",\"row\":{\"n\":" + i + ",\"ü\":\"ß\"}}";
            HttpRequest.Builder request = HttpRequest.newBuilder(proxy.uri(path))
                    .header("Authorization", "Token abc." + i)
                    .header("X-Request-Marker", "m-" + i)
                    .header("Proxy-Authorization", "Basic secret")
                    .header("Content-Type", "application/json")
                    .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));

            HttpResponse<String> response = proxy.send(request);

            String owner = expectedOwner(base.bucket());
            assertThat(response.statusCode()).as(method + " " + path).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Dtable-Node")).contains(owner);
            FakeNode node = node(owner);
            FakeNode.Received seen = node.received().getLast();
            assertThat(seen.method()).isEqualTo(method);
            assertThat(seen.uri()).isEqualTo(path);
            assertThat(new String(seen.body(), StandardCharsets.UTF_8)).isEqualTo(body);
            assertThat(seen.header("Authorization")).isEqualTo("Token abc." + i);
            assertThat(seen.header("X-Request-Marker")).isEqualTo("m-" + i);
            assertThat(seen.header("Proxy-Authorization")).as("hop-by-hop").isNull();
            assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
            assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
            assertThat(seen.header("X-Forwarded-Host")).isEqualTo("127.0.0.1:" + proxy.port());
            assertThat(json(response.body()).get("body_length").asInt())
                    .isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
        }
        assertThat(buckets).hasSizeGreaterThan(50);
        // the GETs took the byte path (docs/proxy.md), the other methods the codec path
        assertThat(proxy.context().getBean(Forwarder.class).forwardedAsBytes()).isGreaterThanOrEqualTo(20);
    }

    @Test
    void withForwardBytesOffGetsTakeTheCodecPathAndArriveTheSame() {
        try (ProxyHarness codecOnly = ProxyHarness.start(etcd.endpoints(), "/forwarding-test/", Duration.ofSeconds(5),
                Optional.empty(), "--dtable.proxy.forward-bytes=false")) {
            BaseUuid base = BaseUuid.parse("a3c1e0d2-5b6f-4e8a-9c0d-112233445566");
            codecOnly.awaitSeen(proxy.context().getBean(ClusterWatcher.class).current().revision());
            String path = "/api/v1/dtables/" + base + "/rows/?table_name=T";

            HttpResponse<String> response = codecOnly.send(HttpRequest.newBuilder(codecOnly.uri(path))
                    .header("X-Request-Marker", "codec"));

            assertThat(response.statusCode()).isEqualTo(200);
            FakeNode.Received seen = node(expectedOwner(base.bucket())).received().getLast();
            assertThat(seen.uri()).isEqualTo(path);
            assertThat(seen.header("X-Request-Marker")).isEqualTo("codec");
            assertThat(seen.header("X-Forwarded-Host")).isEqualTo("127.0.0.1:" + codecOnly.port());
            assertThat(codecOnly.context().getBean(Forwarder.class).forwardedAsBytes()).isZero();
        }
    }

    @Test
    void serverInfoAndTheClusterMapAgreeWithTheMap() {
        BucketMap map = proxy.context().getBean(ClusterWatcher.class).current();
        for (String text : List.of("00a1b2c3-0000-4000-8000-000000000001", "7F00000000004000800000000000000A",
                "ffffffff-ffff-4fff-bfff-ffffffffffff")) {
            BaseUuid base = BaseUuid.parse(text);
            HttpResponse<String> response = proxy.get("/api/v1/dtables/" + text + "/server-info/");
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode info = json(response.body());
            FakeNode owner = node(map.owner(base.bucket()));
            assertThat(info.get("dtable_uuid").asString()).isEqualTo(base.value());
            assertThat(info.get("bucket").asString()).isEqualTo(base.bucket().hex());
            assertThat(info.get("node_id").asString()).isEqualTo(owner.nodeId());
            assertThat(info.get("node_url").asString()).isEqualTo(owner.info().nodeUrl());
            assertThat(info.get("local_node_url").asString()).isEqualTo(owner.url());
        }

        JsonNode clusterMap = json(proxy.get("/api/v1/cluster/map/").body());
        assertThat(clusterMap.get("revision").asLong()).isEqualTo(map.revision());
        for (Bucket bucket : Bucket.all()) {
            assertThat(clusterMap.get("map").get(bucket.hex()).asString()).isEqualTo(expectedOwner(bucket));
        }
        assertThat(clusterMap.get("nodes")).hasSize(3);
        assertThat(clusterMap.get("nodes").get(0).get("local_node_url").asString()).isEqualTo(NODES.get(0).url());
    }

    @Test
    void badUuidsAndUnknownPathsAreAnsweredWithoutContactingANode() {
        int before = totalCalls();

        HttpResponse<String> badUuid = proxy.get("/api/v1/dtables/not-a-uuid/rows/?table_name=T");
        HttpResponse<String> badInternal = proxy.send(HttpRequest.newBuilder(
                proxy.uri("/api/v1/internal/dtables/12345/operations/")).POST(HttpRequest.BodyPublishers.ofString("{}")));
        HttpResponse<String> badInfo = proxy.get("/api/v1/dtables/xyz/server-info/");
        HttpResponse<String> noUuid = proxy.get("/api/v1/dtables/");
        HttpResponse<String> deepPlain = proxy.get("/dtables/" + UUID.randomUUID() + "/rows/");
        HttpResponse<String> elsewhere = proxy.get("/api/v2/whatever/");

        for (HttpResponse<String> response : List.of(badUuid, badInternal, badInfo)) {
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(json(response.body()).get("error_type").asString()).isEqualTo("invalid_dtable_uuid");
            assertThat(json(response.body()).get("error_msg").asString()).isEqualTo("invalid dtable_uuid");
        }
        for (HttpResponse<String> response : List.of(noUuid, deepPlain, elsewhere)) {
            assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(404);
            assertThat(json(response.body()).get("error_type").asString()).isEqualTo("not_found");
            assertThat(json(response.body()).get("error_msg").asString()).contains(response.uri().getPath());
        }
        assertThat(totalCalls()).isEqualTo(before);
    }

    @Test
    void pingMetricsAndHealthAreServed() {
        assertThat(proxy.get("/ping/").body()).isEqualTo("pong");
        proxy.get("/api/v1/dtables/" + UUID.randomUUID() + "/metadata/");

        HttpResponse<String> health = proxy.get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health.body()).get("status").asString()).isEqualTo("UP");
        String metrics = proxy.get("/actuator/prometheus").body();
        assertThat(metrics).containsPattern("dtable_proxy_requests_total\\{node=\"node-[abc]\",status=\"200\"}");
        assertThat(metrics).contains("dtable_proxy_latency_seconds_count{node=\"node-");
    }

    @Test
    void aNodeAnswerIsPassedOnAsIsWhateverItsStatus() {
        FakeNode owner = node(expectedOwner(Bucket.of("ab")));
        owner.respond((node, exchange, request, call) -> {
            exchange.getResponseHeaders().set("X-Custom", "kept");
            FakeNode.sendJson(exchange, 404, "{\"error_type\":\"dtable_not_found\",\"error_msg\":\"no base\"}");
        });
        try {
            HttpResponse<String> response = proxy.get("/api/v1/dtables/ab000000-0000-4000-8000-000000000000/");
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("X-Custom")).contains("kept");
            assertThat(json(response.body()).get("error_type").asString()).isEqualTo("dtable_not_found");
        } finally {
            owner.respond(FakeNode::echo);
        }
    }

    private static String expectedOwner(Bucket bucket) {
        return NODES.get(bucket.index() % NODES.size()).nodeId();
    }

    private static FakeNode node(String nodeId) {
        return NODES.stream().filter(n -> n.nodeId().equals(nodeId)).findFirst().orElseThrow();
    }

    private static int totalCalls() {
        return NODES.stream().mapToInt(FakeNode::calls).sum();
    }

    static JsonNode json(String body) {
        return JSON.readTree(body);
    }

}
