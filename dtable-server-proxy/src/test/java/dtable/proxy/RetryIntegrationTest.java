package dtable.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.NodeInfo;
import dtable.testsupport.EtcdExtension;
import dtable.testsupport.Ports;
import io.etcd.jetcd.KeyValue;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Retries across moves: 307 and 503 are hidden from clients, a request follows its bucket to a new
 * owner while the old one is down, the budget ends in 503, and what a node may have applied is never
 * sent twice. Each test uses buckets and nodes of its own. Proxy: budget 5 s (room for a loaded
 * 2-core machine), response timeout 1 s, a fake slave for stale reads.
 */
@Tag("integration")
class RetryIntegrationTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    private static final Duration BUDGET = Duration.ofSeconds(5);
    private static final FakeNode SLAVE = FakeNode.start("slave-1");
    private static ProxyHarness proxy;
    private final List<AutoCloseable> nodes = new ArrayList<>();

    @BeforeAll
    static void startProxy() {
        proxy = ProxyHarness.start(etcd.endpoints(), "/retry-test/", BUDGET, Optional.of(SLAVE.url()),
                "--dtable.proxy.response-timeout=1s");
        // one forwarded request first, so that class loading and JIT do not eat the first test's budget
        FakeNode warmUp = FakeNode.start("warm-up");
        try {
            own(warmUp.info(), "ee");
            assertThat(proxy.get("/api/v1/dtables/ee000000-0000-4000-8000-000000000000/").statusCode()).isEqualTo(200);
        } finally {
            warmUp.close();
        }
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        SLAVE.close();
    }

    @AfterEach
    void closeNodes() throws Exception {
        for (AutoCloseable node : nodes) {
            node.close();
        }
    }

    @Test
    void movedAndUnavailableAnswersAreRetriedUntilTheNodeServes() {
        FakeNode other = node("moving-b");
        FakeNode owner = node("moving-a").respond((node, exchange, request, call) -> {
            switch (call) {
                case 1, 2 -> FakeNode.moved(exchange, other.info());
                case 3, 4 -> FakeNode.unavailable(exchange);
                default -> FakeNode.echo(node, exchange, request, call);
            }
        });
        own(owner.info(), "10");
        String body = "{\"table_name\":\"T\",\"rows\":[" + "{\"n\":1},".repeat(300) + "{\"n\":2}]}";

        HttpResponse<String> response = proxy.send(HttpRequest.newBuilder(
                proxy.uri("/api/v1/dtables/10000000-0000-4000-8000-000000000001/batch-append-rows/"))
                .POST(HttpRequest.BodyPublishers.ofString(body)));

        assertThat(response.statusCode()).as(response.body() + " calls " + owner.calls()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Dtable-Node")).contains("moving-a");
        assertThat(owner.received()).hasSize(5)
                .allSatisfy(seen -> assertThat(new String(seen.body(), StandardCharsets.UTF_8)).isEqualTo(body));
        assertThat(other.calls()).isZero();
        assertThat(proxy.retries("moved")).isGreaterThanOrEqualTo(2);
        assertThat(proxy.retries("unavailable")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aRequestFollowsItsBucketToTheNewOwnerWhileTheOldOwnerIsDown() {
        NodeInfo dead = deadNode("down-a");
        own(dead, "20");
        double unreachableBefore = proxy.retries("unreachable");
        String body = "{\"table_name\":\"T\",\"row\":{\"Name\":\"moved\"}}";

        CompletableFuture<HttpResponse<String>> pending = CompletableFuture.supplyAsync(() -> proxy.send(
                HttpRequest.newBuilder(proxy.uri("/api/v1/dtables/20000000-0000-4000-8000-000000000002/rows/"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))));
        await().atMost(Duration.ofSeconds(2)).until(() -> proxy.retries("unreachable") > unreachableBefore);
        // the refusal is reported for the monitor leader to confirm: under a short lease, so it cleans itself up
        KeyValue report = await().atMost(Duration.ofSeconds(5))
                .until(() -> proxy.etcdGet("/retry-test/refusals/down-a"), Optional::isPresent).orElseThrow();
        assertThat(report.getLease()).isNotZero();
        assertThat(report.getValue().toString(StandardCharsets.UTF_8)).contains("\"node_id\":\"down-a\"");
        FakeNode successor = node("down-b");
        own(successor.info(), "20");

        HttpResponse<String> response = pending.join();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Dtable-Node")).contains("down-b");
        assertThat(successor.received()).singleElement()
                .satisfies(seen -> assertThat(new String(seen.body(), StandardCharsets.UTF_8)).isEqualTo(body));
    }

    @Test
    void whenTheBudgetRunsOutTheClientGets503WithRetryAfter() {
        FakeNode stuck = node("stuck-a").respond((node, exchange, request, call) -> FakeNode.unavailable(exchange));
        own(stuck.info(), "30");

        for (String path : List.of("/api/v1/dtables/30000000-0000-4000-8000-000000000003/rows/",
                "/api/v1/dtables/31000000-0000-4000-8000-000000000003/rows/")) { // 31: no owner at all
            long start = System.nanoTime();
            HttpResponse<String> response = proxy.send(HttpRequest.newBuilder(proxy.uri(path))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"row_id\":\"x\",\"row\":{}}")));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(response.statusCode()).as(path).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).contains("1");
            JsonNode error = ForwardingIntegrationTest.json(response.body());
            assertThat(error.get("error_type").asString()).isEqualTo("base_unavailable");
            assertThat(error.get("error_msg").asString()).contains("retry budget of 5000 ms");
            assertThat(took).isBetween(BUDGET, BUDGET.plusMillis(2000));
        }
        assertThat(stuck.calls()).isGreaterThan(5);
    }

    @Test
    void aPostTheNodeNeverAnswersEndsIn504AndIsDeliveredExactlyOnce() {
        FakeNode silent = node("silent-a").respond((node, exchange, request, call) -> FakeNode.pause(10_000));
        own(silent.info(), "40");

        HttpResponse<String> response = proxy.send(HttpRequest.newBuilder(
                proxy.uri("/api/v1/dtables/40000000-0000-4000-8000-000000000004/operations/"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"op_type\":\"insert_row\"}")));

        assertThat(response.statusCode()).isEqualTo(504);
        JsonNode error = ForwardingIntegrationTest.json(response.body());
        assertThat(error.get("error_type").asString()).isEqualTo("gateway_timeout");
        assertThat(error.get("error_msg").asString()).contains("may or may not have been applied");
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> silent.calls() == 1);
    }

    @Test
    void aGetThatTimesOutIsRetried() {
        FakeNode slowOnce = node("slow-a").respond((node, exchange, request, call) -> {
            if (call == 1) {
                FakeNode.pause(2_000);
            }
            FakeNode.echo(node, exchange, request, call);
        });
        own(slowOnce.info(), "50");

        HttpResponse<String> response = proxy.get("/api/v1/dtables/50000000-0000-4000-8000-000000000005/?level=default");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(slowOnce.calls()).isEqualTo(2);
    }

    @Test
    void aConnectionResetIsRetriedForAGetButNeverForAPostThatWasSent() throws Exception {
        ResettingNode resetOnce = new ResettingNode("reset-get", call -> call == 1);
        nodes.add(resetOnce);
        own(resetOnce.info(), "60");
        ResettingNode resetAlways = new ResettingNode("reset-post", call -> true);
        nodes.add(resetAlways);
        own(resetAlways.info(), "61");

        HttpResponse<String> get = proxy.get("/api/v1/dtables/60000000-0000-4000-8000-000000000006/metadata/");
        HttpResponse<String> post = proxy.send(HttpRequest.newBuilder(
                proxy.uri("/api/v1/dtables/61000000-0000-4000-8000-000000000006/rows/"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"table_name\":\"T\",\"row\":{}}")));

        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("ok");
        assertThat(resetOnce.calls()).isEqualTo(2);
        assertThat(post.statusCode()).isEqualTo(502);
        assertThat(ForwardingIntegrationTest.json(post.body()).get("error_msg").asString())
                .contains("may or may not have been applied");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> resetAlways.calls() == 1);
    }

    @Test
    void whileTheOwnerIsUnreachableReadsAreServedStaleByTheSlave() {
        own(deadNode("gone-a"), "70");
        int slaveCallsBefore = SLAVE.calls();

        HttpResponse<String> response = proxy.get(
                "/api/v1/dtables/70000000-0000-4000-8000-000000000007/rows/?table_name=T&limit=5");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Dtable-Read-Level")).contains("stale");
        assertThat(response.headers().firstValue("X-Dtable-Node")).contains("slave-1");
        assertThat(SLAVE.calls()).isEqualTo(slaveCallsBefore + 1);
        assertThat(SLAVE.received().getLast().uri())
                .isEqualTo("/api/v1/dtables/70000000-0000-4000-8000-000000000007/rows/?table_name=T&limit=5&level=stale");
    }

    /**
     * A GET the slave does not serve (here the operation log, as a socket client's catch-up reads it) stays
     * at the owner while it moves: before, it went to the slave, whose {@code 404 not_found} reached the
     * client during a bucket handoff and read as "base deleted".
     */
    @Test
    void whileTheOwnerIsUnreachableReadsTheSlaveDoesNotServeWaitForTheNewOwner() {
        NodeInfo dead = deadNode("gone-b");
        own(dead, "71");
        int slaveCallsBefore = SLAVE.calls();
        double unreachableBefore = proxy.retries("unreachable");

        CompletableFuture<HttpResponse<String>> pending = CompletableFuture.supplyAsync(() -> proxy.get(
                "/api/v1/dtables/71000000-0000-4000-8000-000000000007/operations/?from_version=3&limit=1000"));
        await().atMost(Duration.ofSeconds(2)).until(() -> proxy.retries("unreachable") > unreachableBefore);
        FakeNode successor = node("gone-c");
        own(successor.info(), "71");

        HttpResponse<String> response = pending.join();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Dtable-Node")).contains("gone-c");
        assertThat(SLAVE.calls()).as("the slave has no operation log to serve").isEqualTo(slaveCallsBefore);
    }

    @Test
    void aBodyOverTheReplayLimitIsSentOnceAndTheNodesAnswerPassedOn() {
        FakeNode busy = node("big-a").respond((node, exchange, request, call) -> FakeNode.unavailable(exchange));
        own(busy.info(), "80");
        byte[] big = new byte[2 * 1024 * 1024]; // over the 1 MiB replay buffer: streamed, not replayable
        java.util.Arrays.fill(big, (byte) 'x');

        HttpResponse<String> response = proxy.send(HttpRequest.newBuilder(
                proxy.uri("/api/v1/dtables/80000000-0000-4000-8000-000000000008/upload/"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("X-Dtable-Node")).contains("big-a");
        assertThat(busy.received()).singleElement().satisfies(seen -> assertThat(seen.body()).hasSize(big.length));
    }

    // ---- helpers ------------------------------------------------------------------------------

    private FakeNode node(String nodeId) {
        FakeNode node = FakeNode.start(nodeId);
        nodes.add(node);
        return node;
    }

    /** A registration whose local URL has nobody listening: connections are refused. */
    private static NodeInfo deadNode(String nodeId) {
        return new NodeInfo(nodeId, "http://" + nodeId + ".example/", "http://127.0.0.1:" + Ports.free() + "/",
                "2025-01-01T00:00:00Z");
    }

    /** Registers {@code node} and gives it {@code bucket}; returns once the proxy has seen both. */
    private static void own(NodeInfo node, String bucket) {
        proxy.own(node, Bucket.of(bucket));
    }
}
