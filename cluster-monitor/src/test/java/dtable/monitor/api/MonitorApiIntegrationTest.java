package dtable.monitor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.core.cluster.EtcdKeys;
import dtable.core.config.EtcdSettings;
import dtable.core.config.MonitorConfig;
import dtable.core.etcd.EtcdClients;
import dtable.core.token.Permission;
import dtable.core.token.TokenService;
import dtable.monitor.ClusterMonitor;
import dtable.monitor.ClusterMonitorApplication;
import dtable.monitor.FakeNodes;
import dtable.testsupport.EtcdExtension;
import dtable.testsupport.Ports;
import dtable.testsupport.Teardown;
import io.etcd.jetcd.Client;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two monitor services (real Spring contexts on real ports) over one etcd: tokens, forwarding from the
 * follower to the leader, drain/undrain, the cluster view, the event stream and health.
 */
@Tag("integration")
class MonitorApiIntegrationTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    static final String KEY = "monitor-api-test-private-key-0123456789";
    /** MySQL's side of the cluster generation, shared by both monitors as one database would be. */
    static final dtable.monitor.generation.InMemoryGenerationLedger LEDGER = new dtable.monitor.generation.InMemoryGenerationLedger();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final TokenService TOKENS = new TokenService(KEY, Clock.systemUTC());

    static ConfigurableApplicationContext first;
    static ConfigurableApplicationContext second;
    static Client client;
    static FakeNodes nodes;
    static String internal;

    @BeforeAll
    static void start() throws Exception {
        EtcdKeys keys = new EtcdKeys("/api-" + UUID.randomUUID().toString().substring(0, 8) + "/");
        first = startMonitor("mon-1", keys);
        second = startMonitor("mon-2", keys);
        client = EtcdClients.connect(etcd.endpoints());
        nodes = new FakeNodes(client, keys);
        for (String id : List.of("node-a", "node-b", "node-c")) {
            nodes.join(id, Duration.ofSeconds(10));
        }
        internal = "Token " + TOKENS.mintInternal(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(15)).until(() -> leader() != null
                && monitor(leader()).snapshot().assignment().size() == 256
                && monitor(follower()).snapshot().nodes().size() == 3);
    }

    static ConfigurableApplicationContext startMonitor(String id, EtcdKeys keys) {
        int port = Ports.free();
        MonitorConfig config = new MonitorConfig(new dtable.core.config.MysqlSettings("127.0.0.1", 3306, "unused", "", "dtable_db"), port, KEY, Duration.ofSeconds(1), false, 0,
                new MonitorConfig.Cluster(new EtcdSettings(etcd.endpoints(), keys.namespace()), id,
                        "http://127.0.0.1:" + port + "/", Duration.ofSeconds(3)));
        return ClusterMonitorApplication.run(config, LEDGER);
    }

    @AfterAll
    static void stop() throws Exception {
        Teardown.closeAll(nodes, second, first, client);
    }

    static ClusterMonitor monitor(ConfigurableApplicationContext context) {
        return context.getBean(ClusterMonitor.class);
    }

    static ConfigurableApplicationContext leader() {
        return monitor(first).leadership().isLeader() ? first : monitor(second).leadership().isLeader() ? second : null;
    }

    static ConfigurableApplicationContext follower() {
        return leader() == first ? second : first;
    }

    static String base(ConfigurableApplicationContext context) {
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    static HttpResponse<String> post(ConfigurableApplicationContext context, String path, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base(context) + path))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(ConfigurableApplicationContext context, String path, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base(context) + path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void adminEndpointsNeedAnInternalToken() throws Exception {
        HttpResponse<String> missing = post(follower(), "/rebalance/", null);
        assertThat(missing.statusCode()).isEqualTo(401);
        JsonNode error = JSON.readTree(missing.body());
        assertThat(error.get("error_type").asString()).isEqualTo("unauthorized");
        assertThat(error.get("error_msg").asString()).contains("Authorization");

        assertThat(post(leader(), "/rebalance", "Token not-a-jwt").statusCode()).isEqualTo(401);
        String baseToken = "Token " + TOKENS.mintBase(BaseUuid.parse(UUID.randomUUID().toString()), "alice",
                Permission.READ_WRITE, Duration.ofHours(1));
        HttpResponse<String> forbidden = post(leader(), "/api/v1/nodes/node-a/drain/", baseToken);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(forbidden.body()).get("error_type").asString()).isEqualTo("forbidden");
        assertThat(get(first, "/api/v1/cluster/", null).statusCode()).isEqualTo(401);
        assertThat(get(first, "/api/v1/cluster/events", null).statusCode()).isEqualTo(401);
        // what a browser's EventSource sends: the refusal must still be a 401, not a content-negotiation error
        HttpResponse<String> sse = HTTP.send(HttpRequest.newBuilder(
                        URI.create(base(first) + "/api/v1/cluster/events?token=bad")).header("Accept", "text/event-stream")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(sse.statusCode()).isEqualTo(401);
        assertThat(sse.body()).contains("unauthorized");
    }

    @Test
    void aFollowerForwardsRebalanceToTheLeader() throws Exception {
        HttpResponse<String> answer = post(follower(), "/rebalance", internal);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("moved").asInt()).isEqualTo(body.get("moves").size());
        assertThat(body.get("version").asLong()).isPositive();
        await().atMost(Duration.ofSeconds(5)).until(() -> counts(monitor(follower())).stream().allMatch(c -> c >= 85));
        // balanced now: a second call moves nothing and still reports the revision
        JsonNode again = JSON.readTree(post(leader(), "/rebalance/", internal).body());
        assertThat(again.get("moved").asInt()).isZero();
        assertThat(again.get("version").asLong()).isGreaterThanOrEqualTo(body.get("version").asLong());
    }

    @Test
    void aRequestIsForwardedAtMostOnce() throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(base(follower()) + "/rebalance/"))
                .header("Authorization", internal).header(LeaderForwarder.FORWARDED_HEADER, "some-other-monitor")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).contains("1");
        assertThat(JSON.readTree(answer.body()).get("error_type").asString()).isEqualTo("no_leader");
    }

    @Test
    void drainAndUndrainThroughAFollower() throws Exception {
        post(leader(), "/rebalance/", internal);
        int owned = monitor(leader()).snapshot().bucketsOf("node-c").size();
        HttpResponse<String> drain = post(follower(), "/api/v1/nodes/node-c/drain/", internal);
        assertThat(drain.statusCode()).as(drain.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(drain.body());
        assertThat(body.get("node_id").asString()).isEqualTo("node-c");
        assertThat(body.get("draining").asBoolean()).isTrue();
        assertThat(body.get("moved").asInt()).isEqualTo(owned);
        assertThat(monitor(leader()).snapshot().bucketsOf("node-c")).isEmpty();

        HttpResponse<String> undrain = post(follower(), "/api/v1/nodes/node-c/undrain", internal);
        assertThat(undrain.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(undrain.body()).get("draining").asBoolean()).isFalse();
        assertThat(JSON.readTree(undrain.body()).get("moved").asInt()).isZero();
        assertThat(monitor(leader()).snapshot().draining()).isEmpty();

        HttpResponse<String> unknown = post(follower(), "/api/v1/nodes/no-such-node/drain/", internal);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).get("error_msg").asString()).contains("no-such-node");
        post(leader(), "/rebalance/", internal);
    }

    @Test
    void theClusterViewIsTheSameFromEveryMonitor() throws Exception {
        String leaderId = monitor(leader()).settings().monitorId();
        for (ConfigurableApplicationContext context : List.of(first, second)) {
            HttpResponse<String> answer = get(context, "/api/v1/cluster/", internal);
            assertThat(answer.statusCode()).isEqualTo(200);
            JsonNode view = JSON.readTree(answer.body());
            assertThat(view.get("leader").get("monitor_id").asString()).isEqualTo(leaderId);
            assertThat(view.get("leader").get("monitor_url").asString()).startsWith("http://127.0.0.1:");
            assertThat(view.get("self").get("role").asString())
                    .isEqualTo(context == leader() ? "leader" : "candidate");
            assertThat(view.get("map").size()).isEqualTo(256);
            assertThat(view.get("revision").asLong()).isPositive();
            assertThat(view.get("generation").asLong()).isEqualTo(LEDGER.current()).isPositive();
            int sum = 0;
            for (JsonNode node : view.get("nodes")) {
                assertThat(node.get("node_url").asString()).startsWith("http://");
                sum += node.get("bucket_count").asInt();
            }
            assertThat(sum).isEqualTo(256);
            assertThat(view.get("slaves").isArray()).isTrue();
            assertThat(view.get("last_moves").isArray()).isTrue();
            assertThat(view.get("last_moves")).as("the first assignment's moves").isNotEmpty();
            for (JsonNode move : view.get("last_moves")) {
                assertThat(move.propertyNames())
                        .containsExactlyInAnyOrder("bucket", "from", "to", "reason", "at", "trigger", "revision");
            }
        }
    }

    @Test
    void theEventStreamSendsTheViewToATokenInTheQuery() throws Exception {
        String token = internal.substring("Token ".length());
        HttpRequest request = HttpRequest.newBuilder(URI.create(base(follower()) + "/api/v1/cluster/events?token=" + token))
                .header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("text/event-stream");
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:") && "cluster".equals(event)) {
                    JsonNode view = JSON.readTree(line.substring(5));
                    assertThat(view.get("map").size()).isEqualTo(256);
                    break;
                }
            }
            assertThat(event).isEqualTo("cluster");
        }
    }

    @Test
    void healthAndPing() throws Exception {
        assertThat(get(first, "/actuator/health", null).body()).contains("UP");
        assertThat(get(second, "/ping/", null).body()).isEqualTo("pong");
        String metrics = get(leader(), "/actuator/prometheus", null).body();
        assertThat(metrics).contains("dtable_monitor_leader 1.0").contains("dtable_monitor_nodes_live 3.0");
    }

    private static List<Integer> counts(ClusterMonitor monitor) {
        return monitor.snapshot().nodes().keySet().stream().map(n -> monitor.snapshot().bucketsOf(n).size()).toList();
    }
}
