package dtable.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.Bucket;
import dtable.core.config.ConfigException;
import dtable.testsupport.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Start-up: health is DOWN until the watcher has read the map (etcd down at start), UP after, and
 * requests for bases wait for the map rather than failing; a bad config file stops the process with
 * one line and status 78 (EX_CONFIG).
 */
@Tag("integration")
class ProxyStartupIntegrationTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    @Test
    void healthIsDownUntilTheMapHasBeenReadThenUp() {
        etcd.cluster().stopMember(0);
        try (ProxyHarness proxy = ProxyHarness.start(etcd.endpoints(), "/startup-test/", Duration.ofSeconds(30),
                Optional.empty())) {
            JsonNode down = ForwardingIntegrationTest.json(proxy.get("/actuator/health").body());
            assertThat(down.get("status").asString()).isEqualTo("DOWN");
            assertThat(proxy.get("/actuator/health").statusCode()).isEqualTo(503);
            assertThat(proxy.get("/ping/").body()).isEqualTo("pong");

            etcd.cluster().startMember(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> proxy.get("/actuator/health").statusCode() == 200);
            JsonNode up = ForwardingIntegrationTest.json(proxy.get("/actuator/health").body());
            assertThat(up.get("status").asString()).isEqualTo("UP");
            assertThat(up.get("components").get("clusterMap").get("details").get("revision").asLong()).isPositive();

            FakeNode node = FakeNode.start("late-a");
            try {
                proxy.register(node.info());
                proxy.awaitSeen(proxy.assign(Bucket.of("c0"), node.nodeId()));
                assertThat(proxy.get("/api/v1/dtables/c0000000-0000-4000-8000-000000000000/").statusCode())
                        .isEqualTo(200);
            } finally {
                node.close();
            }
        } finally {
            if (!etcd.cluster().isRunning(0)) {
                etcd.cluster().startMember(0);
            }
        }
    }

    @Test
    void shutdownLetsForwardedRequestsFinish() throws Exception {
        FakeNode slow = FakeNode.start("slow-stop").respond((node, exchange, request, call) -> {
            FakeNode.pause(1500);
            FakeNode.echo(node, exchange, request, call);
        });
        ProxyHarness proxy = ProxyHarness.start(etcd.endpoints(), "/shutdown-test/", Duration.ofSeconds(5),
                Optional.empty());
        try {
            proxy.register(slow.info());
            proxy.awaitSeen(proxy.assign(Bucket.of("d0"), slow.nodeId()));
            CompletableFuture<Integer> pending = CompletableFuture.supplyAsync(() -> proxy.send(
                    java.net.http.HttpRequest.newBuilder(proxy.uri("/api/v1/dtables/d0000000-0000-4000-8000-000000000000/"))
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))).statusCode());
            await().atMost(Duration.ofSeconds(10)).until(() -> slow.calls() == 1);

            proxy.close(); // blocks in the drain until the request is answered

            assertThat(pending.get(10, TimeUnit.SECONDS)).isEqualTo(200);
        } finally {
            proxy.close();
            slow.close();
        }
    }

    @Test
    void aConfigErrorPrintsOneLineAndExitsWithStatus2(@TempDir Path conf) throws Exception {
        Files.writeString(conf.resolve("dtable_server_proxy_config.json"),
                "// comments are allowed\n{\"listen_port\": 5550, \"cluster_config\": {\"etcd_host_list\": []}}");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ProxyApplication.class.getName())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("DTABLE_CONF_DIR", conf.toString());
        builder.environment().keySet().removeIf(name -> name.startsWith("DTABLE_") && !name.equals("DTABLE_CONF_DIR"));
        Process process = builder.start();
        try {
            String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(process.exitValue()).isEqualTo(ConfigException.EXIT_STATUS).isEqualTo(78);
            assertThat(stderr.strip().lines()).singleElement().asString()
                    .startsWith("config error: ")
                    .contains("dtable_server_proxy_config.json")
                    .contains("cluster_config.etcd_host_list");
        } finally {
            process.destroyForcibly();
        }
    }
}
