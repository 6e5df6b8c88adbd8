package dtable.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.BaseUuid;
import dtable.server.api.NodeUnderTest.Answer;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Every endpoint of SPEC §7 answering as documented, through a real HTTP client against one node
 * on real etcd and MariaDB. The error cases are in {@link RestErrorsIT}.
 */
@Tag("integration")
@ParameterizedClass(name = "hot row writes to the write port: {0}")
@ValueSource(booleans = {false, true})
class RestApiIT {

    /** Two tables; Tasks has a column of four types and two rows. */
    static final String INITIAL_BASE = """
            {"version": 0, "format_version": 1, "tables": [
              {"_id": "0000", "name": "Tasks", "columns": [
                 {"key": "0000", "name": "Name", "type": "text"},
                 {"key": "0001", "name": "Count", "type": "number"},
                 {"key": "0002", "name": "Done", "type": "checkbox"},
                 {"key": "0003", "name": "Status", "type": "single-select",
                  "data": {"options": [{"id": "s1", "name": "Open"}, {"id": "s2", "name": "Closed"}]}}],
               "rows": [
                 {"_id": "row1AAAAAAAAAAAAAAAAAA", "_ctime": "2024-05-01T09:30:00.000Z",
                  "_mtime": "2024-05-01T09:30:00.000Z", "0000": "first", "0001": 1, "0003": "s1"},
                 {"_id": "row2AAAAAAAAAAAAAAAAAA", "_ctime": "2024-05-01T09:31:00.000Z",
                  "_mtime": "2024-05-01T09:31:00.000Z", "0000": "second", "0002": true}]},
              {"_id": "0001", "name": "Notes", "columns": [{"key": "0000", "name": "Title", "type": "text"}], "rows": []}
            ]}
            """;

    @RegisterExtension
    static final NodeUnderTest node = NodeUnderTest.serving("rest-api", "");

    /** The class runs twice: the six hot row writes on the servlet port, then on the write port (as the proxy sends them). */
    @Parameter
    boolean hotWritesToWritePort;

    @BeforeParameterizedClassInvocation
    static void routeHotWrites(boolean toWritePort) {
        node.routeHotWrites(toWritePort);
    }

    /** A run meant for the write port that sent nothing there would prove nothing about it. */
    @AfterParameterizedClassInvocation
    static void hotWritesWentWhereTheRunSays(boolean toWritePort) {
        assertThat(node.writePortRequests() > 0).as("requests sent to the write port").isEqualTo(toWritePort);
    }

    private static String base(BaseUuid uuid) {
        return "/api/v1/dtables/" + uuid + "/";
    }

    @Test
    void pingAnswersPong() {
        Answer ping = node.sendOk("GET", "/ping/", null, null);
        assertThat(ping.body()).isEqualTo("pong");
    }

    @Test
    void requestMetricsKeepTheirTimerButNotTheInFlightLongTaskTimer() {
        node.send("GET", "/ping/", null, null);
        Answer metrics = node.sendOk("GET", "/actuator/prometheus", null, null);
        assertThat(metrics.body()).contains("http_server_requests_seconds_count").contains("dtable_oplog_batch_size")
                .doesNotContain("http_server_requests_active")
                .as("the log writers' own pool reports like the node's").contains("pool=\"log-writers\"");
    }

    @Test
    void aKeepAliveConnectionIsNotClosedAfterAHundredRequests() throws Exception {
        URI url = URI.create(node.url());
        int requests = 150;
        try (Socket socket = new Socket(url.getHost(), url.getPort())) {
            socket.setSoTimeout(10_000);
            String ping = "GET /ping/ HTTP/1.1\r\nHost: " + url.getHost() + "\r\n\r\n";
            socket.getOutputStream().write(ping.repeat(requests).getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            StringBuilder answers = new StringBuilder();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int pongs = 0;
            while (pongs < requests) {
                int n = in.read(buffer);
                assertThat(n).as("the node closed the connection after %d answers", pongs).isPositive();
                answers.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
                pongs = answers.toString().split("pong", -1).length - 1;
            }
            assertThat(answers.toString()).doesNotContainIgnoringCase("Connection: close");
        }
    }

    @Test
    void aLeanWriteIsCountedOnceInTheRequestMetrics() {
        BaseUuid uuid = node.createBase(null);
        String token = node.readWrite(uuid);
        String series = "http_server_requests_seconds_count{error=\"none\",exception=\"none\",method=\"POST\","
                + "outcome=\"SUCCESS\",status=\"200\",uri=\"/api/v1/dtables/{uuid}/rows/\"}";
        double before = metric(series);
        for (int i = 0; i < 3; i++) {
            node.sendOk("POST", base(uuid) + "rows/", token, "{\"table_name\":\"Table1\",\"row\":{\"Name\":\"m\"}}");
        }
        assertThat(metric(series) - before).isEqualTo(3.0);
    }

    private double metric(String series) {
        String body = node.sendOk("GET", "/actuator/prometheus", null, null).body();
        return body.lines().filter(line -> line.startsWith(series + " ")).mapToDouble(
                line -> Double.parseDouble(line.substring(series.length() + 1).trim())).sum();
    }

    @Test
    void createAnswers201ThenConflict409WithNothingChanged() {
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        String token = node.readWrite(uuid);
        Answer created = node.send("PUT", base(uuid), token, null);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("dtable_uuid").asString()).isEqualTo(uuid.value());
        assertThat(created.json().path("version").asLong()).isZero();
        node.send("POST", base(uuid) + "rows/", token, "{\"table_name\":\"Table1\",\"row\":{\"Name\":\"x\"}}");
        NodeUnderTest.BaseSnapshot before = node.snapshot(uuid);

        Answer again = node.send("PUT", base(uuid), token, INITIAL_BASE);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.errorType()).isEqualTo("dtable_exists");
        assertThat(again.errorMsg()).contains(uuid.value());
        node.assertUnchanged(uuid, before);
    }

    @Test
    void createWithoutBodyGivesTheDefaultTable() {
        BaseUuid uuid = node.createBase(null);
        JsonNode document = node.snapshot(uuid).document();
        assertThat(document.path("tables")).hasSize(1);
        assertThat(document.path("tables").get(0).path("name").asString()).isEqualTo("Table1");
        assertThat(document.path("tables").get(0).path("columns").get(0).path("name").asString()).isEqualTo("Name");
    }

    @Test
    void createWithAnInitialBaseServesIt() {
        BaseUuid uuid = node.createBase(INITIAL_BASE);
        NodeUnderTest.BaseSnapshot snapshot = node.snapshot(uuid);
        JsonNode tasks = snapshot.document().path("tables").get(0);
        assertThat(tasks.path("name").asString()).isEqualTo("Tasks");
        assertThat(tasks.path("rows")).hasSize(2);
        assertThat(tasks.path("rows").get(0).path("0000").asString()).isEqualTo("first");
        assertThat(snapshot.document().path("tables").get(1).path("name").asString()).isEqualTo("Notes");
    }

    @Test
    void getBaseAtBothPathsAndInEveryUuidForm() {
        BaseUuid uuid = node.createBase(INITIAL_BASE);
        String token = node.readOnly(uuid);
        Answer api = node.send("GET", base(uuid), token, null);
        Answer legacy = node.send("GET", "/dtables/" + uuid, token, null);
        Answer compactUpper = node.send("GET", "/api/v1/dtables/" + uuid.compact().toUpperCase(Locale.ROOT) + "/",
                token, null);
        assertThat(api.status()).isEqualTo(200);
        assertThat(legacy.status()).isEqualTo(200);
        assertThat(compactUpper.status()).isEqualTo(200);
        assertThat(legacy.json()).isEqualTo(api.json());
        assertThat(compactUpper.json()).isEqualTo(api.json());
        assertThat(api.version()).isZero();
        assertThat(api.json().path("tables")).hasSize(2);
    }

    @Test
    void deleteThenEveryRequestIs404AndTheUuidIsNotReused() {
        BaseUuid uuid = node.createBase(null);
        String token = node.readWrite(uuid);
        Answer deleted = node.sendOk("DELETE", base(uuid), token, null);
        assertThat(deleted.json().path("success").asBoolean()).isTrue();

        for (Answer gone : List.of(node.send("GET", base(uuid), token, null),
                node.send("GET", base(uuid) + "rows/?table_name=Table1", token, null),
                node.send("POST", base(uuid) + "rows/", token, "{\"table_name\":\"Table1\",\"row\":{}}"),
                node.send("DELETE", base(uuid), token, null))) {
            assertThat(gone.status()).as(gone.body()).isEqualTo(404);
            assertThat(gone.errorType()).isEqualTo("dtable_not_found");
        }
        assertThat(node.send("PUT", base(uuid), token, null).status()).isEqualTo(409);
    }

    @Test
    void metadataListsTablesWithColumns() {
        BaseUuid uuid = node.createBase(INITIAL_BASE);
        Answer metadata = node.sendOk("GET", base(uuid) + "metadata/", node.readOnly(uuid), null);
        JsonNode tables = metadata.json().path("metadata").path("tables");
        assertThat(tables).hasSize(2);
        assertThat(tables.get(0).path("_id").asString()).isEqualTo("0000");
        assertThat(tables.get(0).path("name").asString()).isEqualTo("Tasks");
        JsonNode status = tables.get(0).path("columns").get(3);
        assertThat(status.path("key").asString()).isEqualTo("0003");
        assertThat(status.path("name").asString()).isEqualTo("Status");
        assertThat(status.path("type").asString()).isEqualTo("single-select");
        assertThat(status.path("data").path("options")).hasSize(2);
        assertThat(tables.get(0).has("rows")).isFalse();
        assertThat(metadata.version()).isZero();
    }

    @Test
    void rowsByTableNameOrIdWithStartAndLimit() {
        BaseUuid uuid = node.createBase(INITIAL_BASE);
        String token = node.readOnly(uuid);
        Answer all = node.sendOk("GET", base(uuid) + "rows/?table_name=Tasks", token, null);
        JsonNode rows = all.json().path("rows");
        assertThat(rows).hasSize(2);
        // by column name, select cells by option name
        assertThat(rows.get(0).path("_id").asString()).isEqualTo("row1AAAAAAAAAAAAAAAAAA");
        assertThat(rows.get(0).path("Name").asString()).isEqualTo("first");
        assertThat(rows.get(0).path("Count").asLong()).isEqualTo(1);
        assertThat(rows.get(0).path("Status").asString()).isEqualTo("Open");
        assertThat(rows.get(1).path("Done").asBoolean()).isTrue();

        Answer byId = node.send("GET", base(uuid) + "rows/?table_id=0000", token, null);
        assertThat(byId.json()).isEqualTo(all.json());
        Answer page = node.send("GET", base(uuid) + "rows/?table_name=Tasks&start=1&limit=1", token, null);
        assertThat(page.json().path("rows")).hasSize(1);
        assertThat(page.json().path("rows").get(0).path("Name").asString()).isEqualTo("second");
        Answer past = node.sendOk("GET", base(uuid) + "rows/?table_name=Tasks&start=5&limit=1000", token, null);
        assertThat(past.json().path("rows")).isEmpty();
        Answer empty = node.send("GET", base(uuid) + "rows/?table_name=Notes", token, null);
        assertThat(empty.json().path("rows")).isEmpty();
    }

    @Test
    void oneRow() {
        BaseUuid uuid = node.createBase(INITIAL_BASE);
        Answer row = node.sendOk("GET", base(uuid) + "rows/row2AAAAAAAAAAAAAAAAAA/?table_name=Tasks",
                node.readOnly(uuid), null);
        assertThat(row.json().path("_id").asString()).isEqualTo("row2AAAAAAAAAAAAAAAAAA");
        assertThat(row.json().path("Name").asString()).isEqualTo("second");
        assertThat(row.json().path("_ctime").asString()).isEqualTo("2024-05-01T09:31:00.000Z");
    }

    @Test
    void appendReturnsTheNewRowAndItsVersionThenInsertBelowAnAnchor() {
        BaseUuid uuid = node.createBase(INITIAL_BASE);
        String token = node.readWrite(uuid);
        Answer appended = node.sendOk("POST", base(uuid) + "rows/", token,
                "{\"table_name\":\"Tasks\",\"row\":{\"Name\":\"third\",\"Count\":3,\"Status\":\"Closed\"}}");
        assertThat(appended.version()).isEqualTo(1);
        JsonNode row = appended.json();
        assertThat(row.path("_id").asString()).matches("[A-Za-z0-9_-]{22}");
        assertThat(row.path("Name").asString()).isEqualTo("third");
        assertThat(row.path("Status").asString()).isEqualTo("Closed");

        Answer inserted = node.sendOk("POST", base(uuid) + "rows/", token,
                "{\"table_name\":\"Tasks\",\"row\":{\"Name\":\"between\"},\"anchor_row_id\":\"row1AAAAAAAAAAAAAAAAAA\"}");
        assertThat(inserted.version()).isEqualTo(2);
        assertThat(names(uuid, "Tasks")).containsExactly("first", "between", "second", "third");
        assertThat(node.snapshot(uuid).version()).isEqualTo(2);
    }

    @Test
    void updateAndDeleteOneRow() {
        BaseUuid uuid = node.createBase(INITIAL_BASE);
        String token = node.readWrite(uuid);
        Answer updated = node.sendOk("PUT", base(uuid) + "rows/", token,
                "{\"table_name\":\"Tasks\",\"row_id\":\"row1AAAAAAAAAAAAAAAAAA\",\"row\":{\"Count\":42,\"Done\":true}}");
        assertThat(updated.json().path("success").asBoolean()).isTrue();
        assertThat(updated.version()).isEqualTo(1);
        JsonNode row = node.send("GET", base(uuid) + "rows/row1AAAAAAAAAAAAAAAAAA/?table_name=Tasks", token, null).json();
        assertThat(row.path("Count").asLong()).isEqualTo(42);
        assertThat(row.path("Done").asBoolean()).isTrue();
        assertThat(row.path("Name").asString()).isEqualTo("first");

        Answer deleted = node.sendOk("DELETE", base(uuid) + "rows/", token,
                "{\"table_name\":\"Tasks\",\"row_id\":\"row1AAAAAAAAAAAAAAAAAA\"}");
        assertThat(deleted.json().path("deleted_rows").asInt()).isEqualTo(1);
        assertThat(deleted.version()).isEqualTo(2);
        assertThat(names(uuid, "Tasks")).containsExactly("second");
    }

    @Test
    void batchAppendUpdateDelete() {
        BaseUuid uuid = node.createBase(null);
        String token = node.readWrite(uuid);
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            rows.append(i == 0 ? "" : ",").append("{\"Name\":\"r").append(i).append("\"}");
        }
        Answer appended = node.sendOk("POST", base(uuid) + "batch-append-rows/", token,
                "{\"table_name\":\"Table1\",\"rows\":[" + rows + "]}");
        assertThat(appended.json().path("inserted_row_count").asInt()).isEqualTo(1000);
        assertThat(appended.json().path("row_ids")).hasSize(1000);
        assertThat(appended.version()).isEqualTo(1);
        List<String> ids = new ArrayList<>();
        appended.json().path("row_ids").forEach(id -> ids.add(id.asString()));

        Answer updated = node.sendOk("PUT", base(uuid) + "batch-update-rows/", token,
                "{\"table_name\":\"Table1\",\"updates\":[{\"row_id\":\"" + ids.get(0) + "\",\"row\":{\"Name\":\"A\"}},"
                        + "{\"row_id\":\"" + ids.get(1) + "\",\"row\":{\"Name\":\"B\"}}]}");
        assertThat(updated.version()).isEqualTo(2);

        StringBuilder doomed = new StringBuilder();
        for (int i = 2; i < 1000; i++) {
            doomed.append(i == 2 ? "" : ",").append('"').append(ids.get(i)).append('"');
        }
        Answer deleted = node.sendOk("DELETE", base(uuid) + "batch-delete-rows/", token,
                "{\"table_name\":\"Table1\",\"row_ids\":[" + doomed + "]}");
        assertThat(deleted.json().path("deleted_rows").asInt()).isEqualTo(998);
        assertThat(deleted.version()).isEqualTo(3);
        assertThat(names(uuid, "Table1")).containsExactly("A", "B");
    }

    @Test
    void tablesInsertRenameDelete() {
        BaseUuid uuid = node.createBase(null);
        String token = node.readWrite(uuid);
        Answer created = node.sendOk("POST", base(uuid) + "tables/", token, "{\"table_name\":\"Projects\",\"columns\":"
                + "[{\"column_name\":\"Title\",\"column_type\":\"text\"},{\"column_name\":\"Budget\",\"column_type\":\"number\"}]}");
        assertThat(created.version()).isEqualTo(1);
        String tableId = created.json().path("operation").path("table_id").asString();
        assertThat(tableNames(uuid)).containsExactly("Table1", "Projects");
        assertThat(node.send("POST", base(uuid) + "rows/", token,
                "{\"table_name\":\"Projects\",\"row\":{\"Title\":\"p\",\"Budget\":10.5}}").status()).isEqualTo(200);

        Answer renamed = node.sendOk("PUT", base(uuid) + "tables/", token,
                "{\"table_name\":\"Projects\",\"new_table_name\":\"Plans\"}");
        assertThat(tableNames(uuid)).containsExactly("Table1", "Plans");
        assertThat(node.send("GET", base(uuid) + "rows/?table_id=" + tableId, token, null).json().path("rows")
                .get(0).path("Budget").asDouble()).isEqualTo(10.5);

        Answer dropped = node.sendOk("DELETE", base(uuid) + "tables/", token, "{\"table_name\":\"Plans\"}");
        assertThat(dropped.version()).isEqualTo(4);
        assertThat(tableNames(uuid)).containsExactly("Table1");
    }

    @Test
    void columnsInsertRenameRetypeDelete() {
        BaseUuid uuid = node.createBase(null);
        String token = node.readWrite(uuid);
        Answer added = node.sendOk("POST", base(uuid) + "columns/", token,
                "{\"table_name\":\"Table1\",\"column_name\":\"Size\",\"column_type\":\"text\"}");
        node.send("POST", base(uuid) + "rows/", token, "{\"table_name\":\"Table1\",\"row\":{\"Name\":\"a\",\"Size\":\"12\"}}");

        Answer renamed = node.sendOk("PUT", base(uuid) + "columns/", token,
                "{\"table_name\":\"Table1\",\"op_type\":\"rename_column\",\"column\":\"Size\",\"new_column_name\":\"Weight\"}");
        Answer retyped = node.sendOk("PUT", base(uuid) + "columns/", token,
                "{\"table_name\":\"Table1\",\"op_type\":\"modify_column_type\",\"column\":\"Weight\",\"new_column_type\":\"number\"}");
        JsonNode columns = node.send("GET", base(uuid) + "metadata/", token, null).json()
                .path("metadata").path("tables").get(0).path("columns");
        assertThat(columns.get(1).path("name").asString()).isEqualTo("Weight");
        assertThat(columns.get(1).path("type").asString()).isEqualTo("number");
        JsonNode row = node.send("GET", base(uuid) + "rows/?table_name=Table1", token, null).json().path("rows").get(0);
        assertThat(row.path("Weight").asDouble()).isEqualTo(12.0);

        Answer dropped = node.sendOk("DELETE", base(uuid) + "columns/", token, "{\"table_name\":\"Table1\",\"column\":\"Weight\"}");
        assertThat(dropped.version()).isEqualTo(5);
        assertThat(node.send("GET", base(uuid) + "metadata/", token, null).json().path("metadata").path("tables").get(0)
                .path("columns")).hasSize(1);
    }

    @Test
    void rawOperationsApplyAndReadBackInOrder() {
        BaseUuid uuid = node.createBase(null);
        String token = node.readWrite(uuid);
        for (int i = 1; i <= 5; i++) {
            Answer applied = node.sendOk("POST", base(uuid) + "operations/", token,
                    "{\"op_type\":\"insert_row\",\"table_id\":\"0000\",\"row_data\":{\"0000\":\"op" + i + "\"}}");
            assertThat(applied.json().path("version").asLong()).isEqualTo(i);
            assertThat(applied.version()).isEqualTo(i);
        }
        Answer all = node.sendOk("GET", base(uuid) + "operations/?from_version=0", token, null);
        JsonNode ops = all.json().path("operations");
        assertThat(ops).hasSize(5);
        for (int i = 0; i < 5; i++) {
            JsonNode op = ops.get(i);
            assertThat(op.path("version").asLong()).isEqualTo(i + 1);
            assertThat(op.path("author").asString()).isEqualTo("alice@example.com");
            assertThat(op.path("op_time").asLong()).isPositive();
            assertThat(op.path("operation").path("op_type").asString()).isEqualTo("insert_row");
            assertThat(op.path("operation").path("row_data").path("0000").asString()).isEqualTo("op" + (i + 1));
        }
        Answer window = node.send("GET", base(uuid) + "operations/?from_version=2&limit=2", token, null);
        assertThat(window.json().path("operations")).extracting(op -> op.path("version").asLong()).containsExactly(3L, 4L);
        Answer none = node.send("GET", base(uuid) + "operations/?from_version=5&limit=10000", token, null);
        assertThat(none.json().path("operations")).isEmpty();
    }

    @Test
    void adminNodeNeedsAnInternalToken() {
        BaseUuid uuid = node.createBase(null);
        Answer admin = node.sendOk("GET", "/api/v1/admin/node/", node.internalToken(), null);
        JsonNode body = admin.json();
        assertThat(body.path("node_id").asString()).isEqualTo(node.nodeId());
        assertThat(body.path("buckets")).hasSize(256);
        assertThat(body.path("buckets").get(0).path("bucket").asString()).isEqualTo("00");
        assertThat(body.path("buckets").get(0).path("token").asLong()).isPositive();
        assertThat(body.path("loaded_bases")).anySatisfy(b -> assertThat(b.path("dtable_uuid").asString())
                .isEqualTo(uuid.value()));

        Answer forbidden = node.send("GET", "/api/v1/admin/node/", node.readWrite(uuid), null);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.errorType()).isEqualTo("permission_denied");
        Answer anonymous = node.send("GET", "/api/v1/admin/node/", null, null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.errorType()).isEqualTo("token_invalid");
    }

    @Test
    void adminListsTheBasesThatAreNotDeletedNewestFirst() {
        BaseUuid older = node.createBase(null);
        BaseUuid newer = node.createBase(null);
        BaseUuid deleted = node.createBase(null);
        assertThat(node.send("DELETE", base(deleted), node.readWrite(deleted), null).status()).isEqualTo(200);

        Answer list = node.sendOk("GET", "/api/v1/admin/dtables/?limit=10000", node.internalToken(), null);
        List<String> uuids = new ArrayList<>();
        list.json().path("dtables").forEach(b -> uuids.add(b.path("dtable_uuid").asString()));
        assertThat(uuids).contains(older.value(), newer.value()).doesNotContain(deleted.value());
        assertThat(uuids.indexOf(newer.value())).isLessThan(uuids.indexOf(older.value()));
        JsonNode first = list.json().path("dtables").get(uuids.indexOf(newer.value()));
        assertThat(first.path("created_at").asLong()).isPositive();
        assertThat(first.has("row_count")).isTrue();

        assertThat(node.send("GET", "/api/v1/admin/dtables/?limit=1", node.internalToken(), null).json()
                .path("dtables")).hasSize(1);
        assertThat(node.send("GET", "/api/v1/admin/dtables/?limit=-1", node.internalToken(), null).errorType())
                .isEqualTo("invalid_parameter");
        assertThat(node.send("GET", "/api/v1/admin/dtables/", node.readWrite(older), null).status()).isEqualTo(403);
        assertThat(node.send("GET", "/api/v1/admin/dtables/", null, null).status()).isEqualTo(401);
    }

    private static List<String> names(BaseUuid uuid, String table) {
        List<String> names = new ArrayList<>();
        node.send("GET", base(uuid) + "rows/?table_name=" + table, node.internalToken(), null).json().path("rows")
                .forEach(row -> names.add(row.path("Name").asString()));
        return names;
    }

    private static List<String> tableNames(BaseUuid uuid) {
        List<String> names = new ArrayList<>();
        node.snapshot(uuid).document().path("tables").forEach(t -> names.add(t.path("name").asString()));
        return names;
    }
}
