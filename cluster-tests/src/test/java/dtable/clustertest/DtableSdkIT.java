package dtable.clustertest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.clustertest.ClusterApi.Answer;
import dtable.testsupport.NpmClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * SeaTable's npm {@code dtable-sdk} 5.0.15, unchanged, with the proxy as its one server URL (SPEC §9):
 * {@code init} with an API token, {@code syncWithServer}, reads, appends, modifications and deletions
 * that a second SDK instance sees live; then the base's owner is drained in the middle of both
 * sessions' writes, and both keep working, with every row once in both stores and on the server;
 * a read-only API token cannot write; a revoked one fails {@code init}. The client is installed with
 * {@code npm ci} from the lock file in {@code src/test/js} into {@code target/sdk-client} and driven by
 * {@code sdk-client.js} under node.
 */
@Tag("integration")
@ExtendWith(ClusterExtension.class)
class DtableSdkIT {

    private static final String INITIAL_BASE = """
            {"version": 0, "format_version": 1, "tables": [
              {"_id": "0000", "name": "Tasks", "columns": [
                 {"key": "0000", "name": "Name", "type": "text"},
                 {"key": "0001", "name": "Count", "type": "number"}],
               "rows": [
                 {"_id": "row1AAAAAAAAAAAAAAAAAA", "0000": "first", "0001": 1},
                 {"_id": "row2AAAAAAAAAAAAAAAAAA", "0000": "second", "0001": 2}]}]}
            """;

    private static Path client;

    @BeforeAll
    static void install() throws Exception {
        client = NpmClient.install("sdk-client", "sdk-client.js");
    }

    @Test
    void sdkSessionsSurviveAMoveOfTheirBase(DevCluster cluster, ClusterApi api) throws Exception {
        BaseUuid base = BaseUuid.parse(UUID.randomUUID().toString());
        Answer created = api.call("PUT", cluster.proxyUrl() + "api/v1/dtables/" + base + "/", cluster.baseToken(base),
                INITIAL_BASE, Duration.ofSeconds(30));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String tokenA = apiToken(cluster, api, base, "sdk-a", "rw");
        String tokenB = apiToken(cluster, api, base, "sdk-b", "rw");
        String tokenR = apiToken(cluster, api, base, "sdk-reader", "r");
        String revoked = apiToken(cluster, api, base, "sdk-gone", "rw");
        Answer revoke = api.call("DELETE", cluster.proxyUrl() + "api/v1/dtables/" + base + "/api-tokens/sdk-gone/",
                cluster.internalToken(), null, Duration.ofSeconds(10));
        assertThat(revoke.status()).as(revoke.body()).isEqualTo(200);

        List<String> moves = new CopyOnWriteArrayList<>();
        JsonNode out;
        try {
            out = run(cluster, tokenA, tokenB, tokenR, revoked, () -> moves.add(moveBase(cluster, api, base)));
        } finally {
            for (String node : DevCluster.NODES) {
                api.undrain(node);
            }
            api.rebalance(cluster.monitorUrl());
        }

        assertThat(out.path("errors")).as(out.toString()).isEmpty();
        assertThat(moves).hasSize(1);
        assertThat(out.path("tables").toString()).contains("Tasks");
        assertThat(out.path("rowsAtStart").asInt()).isEqualTo(2);
        assertThat(out.path("viewRowsAtStart").asInt()).isEqualTo(2);
        assertThat(names(out.path("live").path("a"))).containsExactly("first", "second");
        assertThat(names(out.path("live").path("b"))).containsExactly("first", "second");

        JsonNode move = out.path("move");
        List<String> expected = new ArrayList<>(List.of("first", "second"));
        for (int i = 0; i < move.path("written").path("a").size(); i++) {
            expected.add(move.path("written").path("a").path(i).asString());
            expected.add(move.path("written").path("b").path(i).asString());
        }
        assertThat(move.path("written").path("a").size()).isGreaterThanOrEqualTo(4);
        // nothing lost, nothing doubled: in both stores and on the server, each row exactly once
        assertThat(names(move.path("a"))).containsExactlyInAnyOrderElementsOf(expected);
        // two clients appending below their own last row at once may order those rows differently
        assertThat(names(move.path("b"))).containsExactlyInAnyOrderElementsOf(expected);
        List<String> onServer = serverNames(cluster, api, base);
        assertThat(onServer).containsExactlyInAnyOrderElementsOf(expected);

        // read-only: refused by the server, seen by nobody
        assertThat(onServer).doesNotContain("read-only write");
        assertThat(names(out.path("afterReadOnly").path("a"))).doesNotContain("read-only write");
        assertThat(names(out.path("afterReadOnly").path("b"))).doesNotContain("read-only write");

        assertThat(out.path("revoked").path("initFailed").asBoolean()).as(out.path("revoked").toString()).isTrue();
        assertThat(out.path("revoked").path("logged").toString()).contains("401");
        System.out.printf("dtable-sdk across a move: %s, %d rows written per client, %d reloads finished, transport %s%n",
                moves.getFirst(), move.path("written").path("a").size(), move.path("reloadsFinished").asInt(),
                out.path("transport").asString());
    }

    /** Drains the base's owner and waits until the proxy routes the base to the other node, which serves it. */
    private static String moveBase(DevCluster cluster, ClusterApi api, BaseUuid base) {
        String from = api.serverInfo(base, cluster.baseToken(base)).json().path("node_id").asString();
        Answer drained = api.drain(from);
        assertThat(drained.ok()).as(drained.toString()).isTrue();
        await("the base leaves " + from).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> {
                    Answer info = api.serverInfo(base, cluster.baseToken(base));
                    return info.ok() && !info.json().path("node_id").asString().equals(from);
                });
        String to = api.serverInfo(base, cluster.baseToken(base)).json().path("node_id").asString();
        return from + " -> " + to;
    }

    private static String apiToken(DevCluster cluster, ClusterApi api, BaseUuid base, String app, String permission) {
        Answer answer = api.call("POST", cluster.proxyUrl() + "api/v1/dtables/" + base + "/api-tokens/",
                cluster.internalToken(), "{\"app_name\":\"" + app + "\",\"permission\":\"" + permission + "\"}",
                Duration.ofSeconds(10));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().path("api_token").asString();
    }

    private static List<String> serverNames(DevCluster cluster, ClusterApi api, BaseUuid base) {
        Answer rows = api.call("GET", cluster.proxyUrl() + "api-gateway/api/v2/dtables/" + base
                + "/rows/?table_name=Tasks&limit=1000", cluster.baseToken(base), null, Duration.ofSeconds(30));
        assertThat(rows.status()).as(rows.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        rows.json().path("rows").forEach(row -> names.add(row.path("Name").asString()));
        return names;
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(name -> names.add(name.asString()));
        return names;
    }

    private static JsonNode run(DevCluster cluster, String tokenA, String tokenB, String tokenR, String revoked,
                                Runnable move) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("node", "sdk-client.js", "session").directory(client.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("SERVER", cluster.proxyUrl().replaceAll("/+$", ""));
        builder.environment().put("API_TOKEN_A", tokenA);
        builder.environment().put("API_TOKEN_B", tokenB);
        builder.environment().put("API_TOKEN_R", tokenR);
        builder.environment().put("API_TOKEN_REVOKED", revoked);
        Process process = builder.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); OutputStream in = process.getOutputStream()) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.equals("MOVE")) {
                    move.run();
                    in.write("MOVED\n".getBytes(StandardCharsets.UTF_8));
                    in.flush();
                }
            }
        }
        // two-core machines under load: reconnect delays (3-6 s per try) add up
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).as("node finished").isTrue();
        assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
        String last = lines.isEmpty() ? "{}" : lines.getLast();
        return ClusterApi.JSON.readTree(last);
    }
}
