package dtable.server.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.BaseUuid;
import dtable.server.api.NodeUnderTest;
import dtable.server.api.NodeUnderTest.Answer;
import dtable.server.base.BaseRegistry;
import dtable.testsupport.NpmClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * SeaTable's own browser client against one node: {@code dtable-store} 6.2.2 with
 * {@code socket.io-client} 4.8.1, installed with {@code npm ci} from the lock file in
 * {@code src/test/js} into {@code target/store-client}, driven by {@code store-client.js} under node.
 */
@Tag("integration")
class SeaTableClientIT {

    static final int MAX_REQUEST_BYTES = 64 * 1024;

    static final String BASE = """
            {"version": 0, "format_version": 1, "tables": [
              {"_id": "0000", "name": "Tasks", "columns": [
                 {"key": "0000", "name": "Name", "type": "text"},
                 {"key": "0001", "name": "Count", "type": "number"}],
               "rows": []}]}
            """;

    @RegisterExtension
    static final NodeUnderTest node = NodeUnderTest.serving("seatable-client", "\"max_request_bytes\": " + MAX_REQUEST_BYTES);
    private static Path client;

    @BeforeAll
    static void installClient() throws Exception {
        client = NpmClient.install("store-client", "store-client.js");
    }

    @Test
    void v2LoadAnswersTheBaseWithViewsAndNoEnvelope() {
        BaseUuid uuid = node.createBase(BASE);
        Answer load = node.send("GET", "/api-gateway/api/v2/dtables/" + uuid + "/?lang=en", node.readOnly(uuid), null);
        assertThat(load.status()).as(load.body()).isEqualTo(200);
        JsonNode base = load.json();
        assertThat(base.path("version").asLong()).isZero();
        JsonNode table = base.path("tables").get(0);
        assertThat(table.path("name").asString()).isEqualTo("Tasks");
        assertThat(table.path("views").get(0).path("_id").asString()).isEqualTo("0000");
        assertThat(table.path("views").get(0).path("name").asString()).isEqualTo("Default View");
        assertThat(base.path("links").isArray()).isTrue();
        assertThat(node.send("GET", "/api-gateway/api/v2/dtables/" + uuid + "/", null, null).status()).isEqualTo(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"polling", "websocket", "default"})
    void twoStoresSeeEachRowOperationAndRestShowsTheResult(String transports) throws Exception {
        BaseUuid uuid = node.createBase(BASE);
        JsonNode out = bothStoresAgree(run("roundTrip", uuid, transports));
        assertThat(out.path("a").path("version").asLong()).isEqualTo(4);
        assertThat(out.path("transport").asString()).isEqualTo(transports.equals("polling") ? "polling" : "websocket");
        // the second store's join reaches the first one first and its "leave room" last; a reconnect under load
        // may add a join in between
        JsonNode presence = out.path("presence");
        assertThat(presence.size()).isGreaterThanOrEqualTo(2);
        assertThat(presence.get(0).asString()).startsWith("join ");
        assertThat(presence.get(presence.size() - 1).asString()).startsWith("leave ");
        JsonNode rows = out.path("a").path("tables").get(0).path("rows");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).path("0000").asString()).isEqualTo("changed");
        Answer rest = node.send("GET", "/api/v1/dtables/" + uuid + "/rows/?table_name=Tasks", node.readOnly(uuid), null);
        assertThat(rest.json().path("rows")).hasSize(1);
        assertThat(rest.json().path("rows").get(0).path("_id").asString()).isEqualTo(rows.get(0).path("_id").asString());
        assertThat(rest.json().path("rows").get(0).path("Name").asString()).isEqualTo("changed");
        assertThat(node.snapshot(uuid).version()).isEqualTo(4);
    }

    @Test
    void columnAndTableOperationsRoundTripAndTheNodesOwnReachTheStoreInItsShape() throws Exception {
        BaseUuid uuid = node.createBase(BASE);
        JsonNode out = bothStoresAgree(run("schemaRoundTrip", uuid, "default"));
        assertThat(out.path("a").path("version").asLong()).isEqualTo(9);
        JsonNode tables = out.path("a").path("tables");
        assertThat(tables).hasSize(2);
        assertThat(tables.get(0).path("columns")).extracting(c -> c.path("name").asString())
                .containsExactly("Name", "Count", "Rest");
        assertThat(tables.get(1).path("name").asString()).isEqualTo("Renamed");
        assertThat(out.path("views")).allSatisfy(views -> assertThat(views.asInt()).isEqualTo(1));
        Answer metadata = node.send("GET", "/api/v1/dtables/" + uuid + "/metadata/", node.readOnly(uuid), null);
        JsonNode restTables = metadata.json().path("metadata").path("tables");
        assertThat(restTables).extracting(t -> t.path("name").asString()).containsExactly("Tasks", "Renamed");
        assertThat(restTables.get(0).path("columns")).extracting(c -> c.path("key").asString())
                .containsExactly("0000", "0001", out.path("restColumn").asString());
        assertThat(node.snapshot(uuid).version()).isEqualTo(9);
    }

    @Test
    void viewsBatchRowOperationsAndColumnDataRoundTripAndSurviveAReload() throws Exception {
        BaseUuid uuid = node.createBase(BASE);
        JsonNode out = bothStoresAgree(run("viewsAndBatches", uuid, "default"));
        assertThat(out.path("viewsB")).isEqualTo(out.path("viewsA"));
        assertThat(out.path("a").path("version").asLong()).isEqualTo(11);
        assertThat(out.path("a").path("tables").get(0).path("rows")).extracting(r -> r.path("0000").asString())
                .containsExactly("x0", "x1", "p", "q");
        assertThat(out.path("columnData").path("precision").asInt()).isEqualTo(2);
        // what a reload (another browser opening the base) shows: the node kept the views
        Answer load = node.send("GET", "/api-gateway/api/v2/dtables/" + uuid + "/", node.readOnly(uuid), null);
        JsonNode views = load.json().path("tables").get(0).path("views");
        assertThat(views).hasSize(1);
        assertThat(views.get(0).path("name").asString()).isEqualTo("Mine");
        assertThat(views.get(0).path("filter_conjunction").asString()).isEqualTo("Or");
        assertThat(views.get(0).path("hidden_columns").get(0).asString()).isEqualTo("0001");
        assertThat(load.json().path("tables").get(0).path("view_structure").path("view_ids").get(0).asString())
                .isEqualTo("V001");
        Answer rest = node.send("GET", "/api/v1/dtables/" + uuid + "/rows/?table_name=Tasks", node.readOnly(uuid), null);
        assertThat(rest.json().path("rows")).extracting(r -> r.path("Name").asString()).containsExactly("x0", "x1", "p", "q");
    }

    @Test
    void aLinkColumnAndItsLinksMadeByOneStoreReachTheOtherAndTheLoad() throws Exception {
        BaseUuid uuid = node.createBase(BASE);
        JsonNode out = run("links", uuid, "default");
        assertThat(out.path("errors")).isEmpty();
        JsonNode added = out.path("added");
        assertThat(added.path("a").path("t1").size()).as(out.toString()).isEqualTo(1);
        String task = added.path("a").path("t1").propertyNames().iterator().next();
        String project = added.path("a").path("t2").propertyNames().iterator().next();
        assertThat(added.path("a").path("t1").path(task).get(0).asString()).isEqualTo(project);
        assertThat(added.path("b")).isEqualTo(added.path("a"));
        JsonNode loadedLink = added.path("loaded").get(0);
        assertThat(loadedLink.path("_id").asString()).isEqualTo("lk01");
        assertThat(loadedLink.path("table1_id").asString()).isEqualTo("0000");
        assertThat(loadedLink.path("table2_id").asString()).isEqualTo("T001");
        assertThat(loadedLink.path("table1_table2_map")).isEqualTo(added.path("a").path("t1"));
        assertThat(loadedLink.path("table2_table1_map")).isEqualTo(added.path("a").path("t2"));
        JsonNode removed = out.path("removed");
        assertThat(removed.path("a").path("t1").isEmpty()).isTrue();
        assertThat(removed.path("b")).isEqualTo(removed.path("a"));
        assertThat(removed.path("loaded").get(0).path("table1_table2_map").isEmpty()).isTrue();
        assertThat(removed.path("loaded").get(0).path("table2_table1_map").isEmpty()).isTrue();
        assertThat(out.path("bogus").path("status").asBoolean()).isFalse();
        assertThat(out.path("bogus").path("error_type").asString()).isEqualTo("row_not_found");
        // insert_table, two rows, the link column, add_link, remove_link; the refused add changed nothing
        assertThat(out.path("version").path("a").asLong()).isEqualTo(6);
        assertThat(out.path("version").path("b").asLong()).isEqualTo(6);
        assertThat(node.snapshot(uuid).version()).isEqualTo(6);
    }

    @Test
    void typeChangesOfTheStoreAndOfTheNodeReachBothStoresWithTheNodesConvertedCells() throws Exception {
        BaseUuid uuid = node.createBase(BASE);
        JsonNode out = bothStoresAgree(run("typeChange", uuid, "default"));
        assertThat(out.path("asText").path("a").asString()).isEqualTo("5");
        assertThat(out.path("asText").path("b").asString()).isEqualTo("5");
        JsonNode columns = out.path("a").path("tables").get(0).path("columns");
        assertThat(columns.get(1).path("type").asString()).isEqualTo("number");
        assertThat(columns.get(1).path("name").asString()).isEqualTo("Count");
        assertThat(out.path("a").path("tables").get(0).path("rows").get(0).path("0001").asInt()).isEqualTo(5);
        Answer rest = node.send("GET", "/api/v1/dtables/" + uuid + "/rows/?table_name=Tasks", node.readOnly(uuid), null);
        assertThat(rest.json().path("rows").get(0).path("Count").asInt()).isEqualTo(5);
        assertThat(node.snapshot(uuid).version()).isEqualTo(3);
    }

    @Test
    void afterAnEvictionBothStoresReconnectReloadTheWriteTheyMissedAndLoseNothing() throws Exception {
        BaseUuid uuid = node.createBase(BASE);
        Process process = start("evict", uuid, "default");
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = output.readLine()) != null && !line.equals("EVICT")) {
            // the stores connect and write their first row
        }
        assertThat(line).as("script reached the eviction").isEqualTo("EVICT");
        BaseRegistry registry = node.bean(BaseRegistry.class);
        registry.unload(registry.get(uuid).orElseThrow(), "test: the base moves away");
        Answer meanwhile = node.send("POST", "/api/v1/dtables/" + uuid + "/rows/", node.readWrite(uuid),
                "{\"table_name\": \"Tasks\", \"row\": {\"Name\": \"meanwhile\"}}");
        assertThat(meanwhile.status()).as(meanwhile.body()).isEqualTo(200);
        process.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        JsonNode out = bothStoresAgree(finish(process, output.lines().reduce((a, b) -> b).orElse("{}")));
        assertThat(out.path("disconnects").path("a").asInt()).isPositive();
        assertThat(out.path("disconnects").path("b").asInt()).isPositive();
        assertThat(out.path("a").path("version").asLong()).isEqualTo(3);
        assertThat(out.path("a").path("tables").get(0).path("rows")).extracting(r -> r.path("0000").asString())
                .containsExactlyInAnyOrder("before", "meanwhile", "after");
        Answer rest = node.send("GET", "/api/v1/dtables/" + uuid + "/rows/?table_name=Tasks", node.readOnly(uuid), null);
        assertThat(rest.json().path("rows")).hasSize(3);
        assertThat(node.snapshot(uuid).version()).isEqualTo(3);
    }

    @Test
    void aResentOperationIsAnsweredAsDoneOnceAndABadTokenIsRefusedInTheJoinAck() throws Exception {
        BaseUuid uuid = node.createBase(BASE);
        JsonNode acks = run("resend", uuid, "default");
        assertThat(acks.path("insert").path("status").asBoolean()).isTrue();
        assertThat(acks.path("insert").path("dtable_version").asLong()).isEqualTo(1);
        assertThat(acks.path("joinedVersion").asLong()).isEqualTo(1);
        assertThat(acks.path("insertAgain").path("status").asBoolean()).as(acks.toString()).isTrue();
        assertThat(acks.path("insertAgain").path("dtable_version").asLong()).isEqualTo(1);
        assertThat(acks.path("delete").path("dtable_version").asLong()).isEqualTo(2);
        assertThat(acks.path("deleteAgain").path("status").asBoolean()).isTrue();
        assertThat(acks.path("deleteAgain").path("dtable_version").asLong()).isEqualTo(2);
        assertThat(acks.path("badJoin").path("status").asBoolean()).isFalse();
        assertThat(acks.path("badJoin").path("message").asString()).isNotEmpty();
        assertThat(node.snapshot(uuid).version()).isEqualTo(2);
    }

    @Test
    void aReadOnlyTokenCannotWrite() throws Exception {
        BaseUuid uuid = node.createBase(BASE);
        NodeUnderTest.BaseSnapshot before = node.snapshot(uuid);
        JsonNode out = run("readOnly", uuid, "default");
        JsonNode ack = out.path("acks").get(0);
        assertThat(ack.path("status").asBoolean()).isFalse();
        assertThat(ack.path("error_type").asString()).isEqualTo("permission_denied");
        node.assertUnchanged(uuid, before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling"})
    void badInputIsRefusedInTheAckAndChangesNothing(String transports) throws Exception {
        BaseUuid uuid = node.createBase(BASE);
        NodeUnderTest.BaseSnapshot before = node.snapshot(uuid);
        // over the limit but inside one polling POST only on the websocket (a POST over it is 413)
        int overSize = transports.equals("websocket") ? MAX_REQUEST_BYTES + 10 : 100;
        JsonNode out = run("badInput", uuid, transports, "OVER_SIZE=" + overSize);
        JsonNode acks = out.path("acks");
        for (String name : List.of("unknownOp", "missingTable", "wrongType", "notJson")) {
            assertThat(acks.path(name).path("status").asBoolean()).as(name + ": " + acks.path(name)).isFalse();
            assertThat(acks.path(name).path("message").asString()).as(name).isNotEmpty();
        }
        assertThat(acks.path("missingTable").path("error_type").asString()).isEqualTo("table_not_found");
        if (transports.equals("websocket")) {
            assertThat(acks.path("overSize").path("status").asBoolean()).isFalse();
            assertThat(acks.path("overSize").path("error_type").asString()).isEqualTo("request_too_large");
            node.assertUnchanged(uuid, before);
        }
    }

    @Test
    void aPollingPostOverTheLimitIs413() {
        Answer answer = node.send("POST", "/api-gateway/socket.io/?EIO=4&transport=polling&sid=x", null,
                "4" + "x".repeat(MAX_REQUEST_BYTES + 1));
        assertThat(answer.status()).isEqualTo(413);
    }

    private static JsonNode run(String scenario, BaseUuid uuid, String transports, String... env) throws Exception {
        Process process = start(scenario, uuid, transports, env);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return finish(process, output.strip().lines().reduce((a, b) -> b).orElse("{}"));
    }

    /** {@code out} of a two-store scenario, checked: no store reported an operation error, and both stores hold the same base. */
    private static JsonNode bothStoresAgree(JsonNode out) {
        assertThat(out.path("errors")).isEmpty();
        assertThat(out.path("b")).isEqualTo(out.path("a"));
        return out;
    }

    private static JsonNode finish(Process process, String lastLine) throws Exception {
        // two-core CI machines under load: node's start and the client's 3-6 s reconnect delays add up
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("node finished").isTrue();
        assertThat(process.exitValue()).as(lastLine).isZero();
        return NodeUnderTest.JSON.readTree(lastLine);
    }

    private static Process start(String scenario, BaseUuid uuid, String transports, String... env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("node", "store-client.js", scenario).directory(client.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("SERVER", node.url());
        builder.environment().put("DTABLE_UUID", uuid.value());
        builder.environment().put("TOKEN_RW", node.readWrite(uuid));
        // presence is per user (a user's first join and last leave): bob must be someone else than alice
        builder.environment().put("TOKEN_RW_BOB", node.readWrite(uuid, "bob@example.com"));
        builder.environment().put("TOKEN_R", node.readOnly(uuid));
        builder.environment().put("TRANSPORTS", transports);
        for (String pair : env) {
            builder.environment().put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return builder.start();
    }
}
