package dtable.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.core.bucket.Bucket;
import dtable.core.token.Permission;
import dtable.core.token.TokenService;
import dtable.server.ServerFixture;
import dtable.server.api.NodeUnderTest.Answer;
import dtable.server.api.NodeUnderTest.BaseSnapshot;
import dtable.server.socket.CloseCodes;
import dtable.server.socket.SocketProbe;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every error of SPEC §7 through a real HTTP client: each refused request is checked for its status,
 * {@code error_type} and {@code error_msg}, for leaving the base exactly as it was (version and
 * document), and — after each test — for leaving the node serving. {@code X-Dtable-Node} is checked
 * on every answer by {@link NodeUnderTest}.
 */
@Tag("integration")
@ParameterizedClass(name = "hot row writes to the write port: {0}")
@ValueSource(booleans = {false, true})
class RestErrorsIT {

    /** Small enough to exceed cheaply, large enough for the 10001-id batch-delete body to reach its own check. */
    static final int MAX_REQUEST_BYTES = 65_536;

    @RegisterExtension
    static final NodeUnderTest node = NodeUnderTest.serving("rest-errors", "\"max_request_bytes\": " + MAX_REQUEST_BYTES);

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
    private static BaseUuid health;
    private BaseUuid uuid;
    private String token;

    @BeforeAll
    static void createHealthBase() {
        health = node.createBase(null);
    }

    @BeforeEach
    void createBase() {
        uuid = node.createBase(RestApiIT.INITIAL_BASE);
        token = node.readWrite(uuid);
    }

    /** Bad input never kills the node: it still pings, writes and reads. */
    @AfterEach
    void nodeStillServes() {
        assertThat(node.send("GET", "/ping/", null, null).body()).isEqualTo("pong");
        String healthToken = node.readWrite(health);
        Answer write = node.sendOk("POST", "/api/v1/dtables/" + health + "/rows/", healthToken,
                "{\"table_name\":\"Table1\",\"row\":{\"Name\":\"alive\"}}");
        Answer read = node.sendOk("GET", "/api/v1/dtables/" + health + "/rows/" + write.json().path("_id").asString()
                + "/?table_name=Table1", healthToken, null);
    }

    private String path(String tail) {
        return "/api/v1/dtables/" + uuid + "/" + tail;
    }

    /** Sends a request that must be refused, and checks the refusal and that the base did not change. */
    private Answer refused(String method, String path, String token, String body, int status, String errorType,
            String messagePart) {
        BaseSnapshot before = node.snapshot(uuid);
        Answer answer = node.send(method, path, token, body);
        assertRefusal(answer, status, errorType, messagePart);
        node.assertUnchanged(uuid, before);
        return answer;
    }

    private static void assertRefusal(Answer answer, int status, String errorType, String messagePart) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.errorType()).as(answer.body()).isEqualTo(errorType);
        assertThat(answer.errorMsg()).as(answer.body()).contains(messagePart);
    }

    /** Each write endpoint with a body that is fine in every other respect. */
    private List<String[]> writeEndpoints() {
        return List.of(
                new String[] {"POST", path("rows/"), "{\"table_name\":\"Tasks\",\"row\":{\"Name\":\"n\"}}"},
                new String[] {"PUT", path("rows/"), "{\"table_name\":\"Tasks\",\"row_id\":\"row1AAAAAAAAAAAAAAAAAA\",\"row\":{\"Name\":\"n\"}}"},
                new String[] {"DELETE", path("rows/"), "{\"table_name\":\"Tasks\",\"row_id\":\"row1AAAAAAAAAAAAAAAAAA\"}"},
                new String[] {"POST", path("batch-append-rows/"), "{\"table_name\":\"Tasks\",\"rows\":[{\"Name\":\"n\"}]}"},
                new String[] {"PUT", path("batch-update-rows/"), "{\"table_name\":\"Tasks\",\"updates\":[{\"row_id\":\"row1AAAAAAAAAAAAAAAAAA\",\"row\":{\"Name\":\"n\"}}]}"},
                new String[] {"DELETE", path("batch-delete-rows/"), "{\"table_name\":\"Tasks\",\"row_ids\":[\"row1AAAAAAAAAAAAAAAAAA\"]}"},
                new String[] {"POST", path("tables/"), "{\"table_name\":\"More\"}"},
                new String[] {"PUT", path("tables/"), "{\"table_name\":\"Notes\",\"new_table_name\":\"Memos\"}"},
                new String[] {"DELETE", path("tables/"), "{\"table_name\":\"Notes\"}"},
                new String[] {"POST", path("columns/"), "{\"table_name\":\"Tasks\",\"column_name\":\"Extra\",\"column_type\":\"text\"}"},
                new String[] {"PUT", path("columns/"), "{\"table_name\":\"Tasks\",\"op_type\":\"rename_column\",\"column\":\"Name\",\"new_column_name\":\"Title\"}"},
                new String[] {"DELETE", path("columns/"), "{\"table_name\":\"Tasks\",\"column\":\"Count\"}"},
                new String[] {"POST", path("operations/"), "{\"op_type\":\"insert_row\",\"table_id\":\"0000\",\"row_data\":{}}"});
    }

    @Test
    void badJsonAndJsonThatIsNotAnObjectAre400OnEveryWriteEndpoint() {
        for (String[] endpoint : writeEndpoints()) {
            refused(endpoint[0], endpoint[1], token, "{\"table_name\": \"Tasks\", \"row\":", 400, "invalid_json",
                    "not valid JSON");
            refused(endpoint[0], endpoint[1], token, "{\"a\":1} trailing", 400, "invalid_json", "");
            for (String notAnObject : List.of("[1, 2]", "\"text\"", "42", "null")) {
                refused(endpoint[0], endpoint[1], token, notAnObject, 400, "invalid_json", "must be a JSON object");
            }
            refused(endpoint[0], endpoint[1], token, null, 400, "invalid_json", "must be a JSON object");
        }
    }

    @Test
    void createWithABadBaseBodyCreatesNothing() {
        BaseUuid fresh = BaseUuid.parse(UUID.randomUUID().toString());
        String freshToken = node.readWrite(fresh);
        String base = "/api/v1/dtables/" + fresh + "/";
        assertRefusal(node.send("PUT", base, freshToken, "{\"tables\": ["), 400, "invalid_json", "");
        assertRefusal(node.send("PUT", base, freshToken, "[]"), 400, "invalid_json", "must be a JSON object");
        assertRefusal(node.send("PUT", base, freshToken, "{\"tables\": [{\"_id\": \"0000\", \"name\": \"T\", \"columns\":"
                + " [{\"key\": \"0000\", \"name\": \"C\", \"type\": \"spreadsheet\"}]}]}"), 400, "invalid_dtable",
                "unsupported type");
        assertRefusal(node.send("PUT", base, freshToken, "{\"tables\": [{\"_id\": \"0000\", \"name\": \"T\", \"columns\":"
                + " [{\"key\": \"0000\", \"name\": \"N\", \"type\": \"number\"}], \"rows\": [{\"_id\": \"row1AAAAAAAAAAAAAAAAAA\","
                + " \"0000\": \"not a number\"}]}]}"), 400, "invalid_dtable", "row #0");
        assertRefusal(node.send("GET", base, freshToken, null), 404, "dtable_not_found", fresh.value());
        assertThat(node.send("PUT", base, freshToken, null).status()).isEqualTo(201);
    }

    @Test
    void badUuidIs400OnEveryPath() {
        for (String bad : List.of("not-a-uuid", "1234", "0123456789abcdef0123456789abcde",
                "0123456789abcdef0123456789abcdef0", "g123456789abcdef0123456789abcdef")) {
            for (String[] request : List.of(new String[] {"GET", "/api/v1/dtables/" + bad + "/"},
                    new String[] {"GET", "/dtables/" + bad}, new String[] {"PUT", "/api/v1/dtables/" + bad + "/"},
                    new String[] {"DELETE", "/api/v1/dtables/" + bad + "/"},
                    new String[] {"GET", "/api/v1/dtables/" + bad + "/rows/?table_name=Tasks"},
                    new String[] {"GET", "/api/v1/dtables/" + bad + "/metadata/"},
                    new String[] {"GET", "/api/v1/dtables/" + bad + "/operations/"})) {
                Answer answer = node.send(request[0], request[1], node.internalToken(), null);
                assertRefusal(answer, 400, "invalid_dtable_uuid", "invalid dtable_uuid");
                assertThat(answer.errorMsg()).isEqualTo("invalid dtable_uuid");
            }
            assertRefusal(node.send("POST", "/api/v1/dtables/" + bad + "/rows/", node.internalToken(),
                    "{\"table_name\":\"Tasks\",\"row\":{}}"), 400, "invalid_dtable_uuid", "invalid dtable_uuid");
        }
    }

    /**
     * SPEC §7's refusals of one request each: method, path under the base, body (none when empty), then the
     * expected status, {@code error_type} and a part of {@code error_msg}. Each is sent to a fresh base,
     * which must stay exactly as it was.
     */
    @ParameterizedTest(name = "{0} {1} -> {3} {4}")
    @CsvSource(delimiter = '|', textBlock = """
            # a value of the wrong type is 400 and no row is written
            POST   | rows/                  | {"table_name":"Tasks","row":{"Name":"ok","Count":"abc"}}                                  | 400 | invalid_value | Count
            POST   | rows/                  | {"table_name":"Tasks","row":{"Done":"yes"}}                                               | 400 | invalid_value | Done
            POST   | rows/                  | {"table_name":"Tasks","row":{"Status":"Maybe"}}                                           | 400 | invalid_value | Status
            POST   | rows/                  | {"table_name":"Tasks","row":{"Name":{"nested":1}}}                                        | 400 | invalid_value | Name
            PUT    | rows/                  | {"table_name":"Tasks","row_id":"row1AAAAAAAAAAAAAAAAAA","row":{"Count":true}}             | 400 | invalid_value | Count
            # one bad row spoils the whole batch: none of the good ones is added
            POST   | batch-append-rows/     | {"table_name":"Tasks","rows":[{"Name":"a"},{"Count":"x"},{"Name":"c"}]}                   | 400 | invalid_value | Count
            PUT    | batch-update-rows/     | {"table_name":"Tasks","updates":[{"row_id":"row1AAAAAAAAAAAAAAAAAA","row":{"Name":"changed"}},{"row_id":"row2AAAAAAAAAAAAAAAAAA","row":{"Count":"x"}}]} | 400 | invalid_value | Count
            POST   | operations/            | {"op_type":"insert_row","table_id":"0000","row_data":{"0001":"abc"}}                      | 400 | invalid_value | Count
            # an unknown table is 404
            GET    | rows/?table_name=Nope  |                                                                                           | 404 | table_not_found | Nope
            GET    | rows/?table_id=zzzz    |                                                                                           | 404 | table_not_found | zzzz
            GET    | rows/row1AAAAAAAAAAAAAAAAAA/?table_name=Nope |                                                                     | 404 | table_not_found | Nope
            POST   | rows/                  | {"table_name":"Nope","row":{}}                                                            | 404 | table_not_found | Nope
            PUT    | rows/                  | {"table_name":"Nope","row_id":"row1AAAAAAAAAAAAAAAAAA","row":{}}                          | 404 | table_not_found | Nope
            POST   | batch-append-rows/     | {"table_id":"zzzz","rows":[{}]}                                                           | 404 | table_not_found | zzzz
            PUT    | tables/                | {"table_name":"Nope","new_table_name":"X"}                                                | 404 | table_not_found | Nope
            DELETE | tables/                | {"table_name":"Nope"}                                                                     | 404 | table_not_found | Nope
            POST   | columns/               | {"table_name":"Nope","column_name":"C","column_type":"text"}                              | 404 | table_not_found | Nope
            # an unknown column is 400
            POST   | rows/                  | {"table_name":"Tasks","row":{"Name":"a","Nope":1}}                                        | 400 | column_not_found | Nope
            PUT    | rows/                  | {"table_name":"Tasks","row_id":"row1AAAAAAAAAAAAAAAAAA","row":{"Nope":1}}                 | 400 | column_not_found | Nope
            PUT    | columns/               | {"table_name":"Tasks","op_type":"rename_column","column":"Nope","new_column_name":"X"}    | 400 | column_not_found | Nope
            PUT    | columns/               | {"table_name":"Tasks","op_type":"modify_column_type","column":"Nope","new_column_type":"number"} | 400 | column_not_found | Nope
            DELETE | columns/               | {"table_name":"Tasks","column":"Nope"}                                                    | 400 | column_not_found | Nope
            POST   | operations/            | {"op_type":"modify_row","table_id":"0000","row_id":"row1AAAAAAAAAAAAAAAAAA","updated":{"9999":1}} | 400 | column_not_found | 9999
            # an unknown row is 404, and a batch with one unknown row changes nothing
            GET    | rows/nopeAAAAAAAAAAAAAAAAAA/?table_name=Tasks |                                                                      | 404 | row_not_found | nope
            PUT    | rows/                  | {"table_name":"Tasks","row_id":"nopeAAAAAAAAAAAAAAAAAA","row":{}}                         | 404 | row_not_found | nope
            DELETE | rows/                  | {"table_name":"Tasks","row_id":"nopeAAAAAAAAAAAAAAAAAA"}                                  | 404 | row_not_found | nope
            POST   | rows/                  | {"table_name":"Tasks","row":{},"anchor_row_id":"nopeAAAAAAAAAAAAAAAAAA"}                  | 404 | row_not_found | nope
            DELETE | batch-delete-rows/     | {"table_name":"Tasks","row_ids":["row1AAAAAAAAAAAAAAAAAA","nopeAAAAAAAAAAAAAAAAAA"]}      | 404 | row_not_found | nope
            PUT    | batch-update-rows/     | {"table_name":"Tasks","updates":[{"row_id":"row1AAAAAAAAAAAAAAAAAA","row":{"Name":"x"}},{"row_id":"nopeAAAAAAAAAAAAAAAAAA","row":{"Name":"y"}}]} | 404 | row_not_found | nope
            # bad parameters are 400
            GET    | rows/?table_name=Tasks&start=-1   |                                                                                | 400 | invalid_parameter | negative
            GET    | rows/?table_name=Tasks&limit=many |                                                                                | 400 | invalid_parameter | parameter limit must be an integer
            GET    | operations/?from_version=x        |                                                                                | 400 | invalid_parameter | parameter from_version must be an integer
            GET    | rows/                             |                                                                                | 400 | invalid_parameter | table_name
            GET    | operations/?from_version=-1       |                                                                                | 400 | invalid_parameter | from_version
            GET    | operations/?limit=0               |                                                                                | 400 | invalid_parameter | limit
            # bad operations are 400
            POST   | operations/            | {"op_type":"drop_everything"}                                                             | 400 | invalid_operation | drop_everything
            POST   | operations/            | {"table_id":"0000"}                                                                       | 400 | invalid_operation | op_type
            POST   | tables/                | {"table_name":"Notes"}                                                                    | 400 | duplicate_name    | Notes
            PUT    | columns/               | {"table_name":"Tasks","op_type":"freeze_column","column":"Name"}                          | 400 | invalid_operation | freeze_column
            POST   | rows/                  | {"table_name":"Tasks"}                                                                    | 400 | invalid_operation | row
            POST   | batch-append-rows/     | {"table_name":"Tasks","rows":[]}                                                          | 400 | invalid_operation | empty
            """)
    void aRefusedRequestAnswersItsErrorAndChangesNothing(String method, String tail, String body, int status,
            String errorType, String messagePart) {
        refused(method, path(tail), token, body, status, errorType, messagePart);
    }

    @Test
    void requestsOverTheLimitsAre400() {
        refused("GET", path("rows/?table_name=Tasks&limit=1001"), token, null, 400, "over_limit", "1000");
        refused("GET", path("operations/?from_version=0&limit=10001"), token, null, 400, "over_limit", "10000");
        refused("POST", path("batch-append-rows/"), token,
                "{\"table_name\":\"Tasks\",\"rows\":[" + repeat("{}", 1001) + "]}", 400, "over_limit", "1000");
        refused("PUT", path("batch-update-rows/"), token,
                "{\"table_name\":\"Tasks\",\"updates\":[" + repeat("{\"row_id\":\"row1AAAAAAAAAAAAAAAAAA\",\"row\":{}}", 1001)
                        + "]}", 400, "over_limit", "1000");
        String ids = repeat("\"x\"", 10_001);
        assertThat(ids.length()).isLessThan(MAX_REQUEST_BYTES);
        refused("DELETE", path("batch-delete-rows/"), token, "{\"table_name\":\"Tasks\",\"row_ids\":[" + ids + "]}", 400,
                "over_limit", "10000");
        // at the limits they are fine
        assertThat(node.send("GET", path("rows/?table_name=Tasks&limit=1000"), token, null).status()).isEqualTo(200);
        assertThat(node.send("GET", path("operations/?limit=10000"), token, null).status()).isEqualTo(200);
    }

    @Test
    void missingGarbageOrExpiredTokensAre401() {
        TokenService past = new TokenService(ServerFixture.PRIVATE_KEY,
                Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC));
        String expired = past.mintBase(uuid, "alice@example.com", Permission.READ_WRITE, Duration.ofHours(1));
        String otherKey = new TokenService("another-key-0123456789abcdef0123456789abcdef", Clock.systemUTC())
                .mintBase(uuid, "mallory", Permission.READ_WRITE, Duration.ofHours(1));
        for (String bad : new String[] {null, "garbage", "a.b.c", expired, otherKey}) {
            String why = bad == null ? "missing" : "token";
            refused("GET", path(""), bad, null, 401, "token_invalid", why);
            refused("GET", path("rows/?table_name=Tasks"), bad, null, 401, "token_invalid", why);
            for (String[] endpoint : writeEndpoints()) {
                refused(endpoint[0], endpoint[1], bad, endpoint[2], 401, "token_invalid", why);
            }
            // the token is checked before the body: no token and bad JSON is still a 401
            refused("POST", path("rows/"), bad, "{not json", 401, "token_invalid", why);
            refused("DELETE", path(""), bad, null, 401, "token_invalid", why);
        }
        assertThat(refused("GET", path(""), expired, null, 401, "token_invalid", "expired").errorMsg())
                .contains("expired");
        // another scheme than Token/Bearer, or a scheme without a token
        assertRefusal(node.sendWithAuthorization("GET", path(""), "Basic " + token), 401, "token_invalid",
                "Authorization header");
        assertRefusal(node.sendWithAuthorization("DELETE", path(""), "Token"), 401, "token_invalid", "no token");
        assertThat(node.sendWithAuthorization("GET", path(""), "Bearer " + token).status()).isEqualTo(200);
        assertThat(node.send("GET", path(""), token, null).status()).isEqualTo(200);
    }

    @Test
    void aTokenForAnotherBaseOrAReadOnlyTokenWritingIs403() {
        BaseUuid other = BaseUuid.parse(UUID.randomUUID().toString());
        String foreign = node.readWrite(other);
        String readOnly = node.readOnly(uuid);
        refused("GET", path(""), foreign, null, 403, "permission_denied", uuid.value());
        refused("GET", path("metadata/"), foreign, null, 403, "permission_denied", uuid.value());
        refused("DELETE", path(""), foreign, null, 403, "permission_denied", uuid.value());
        refused("PUT", path(""), foreign, null, 403, "permission_denied", uuid.value());
        refused("DELETE", path(""), readOnly, null, 403, "permission_denied", "read-only");
        refused("GET", "/api/v1/admin/node/", token, null, 403, "permission_denied", "internal");
        for (String[] endpoint : writeEndpoints()) {
            refused(endpoint[0], endpoint[1], foreign, endpoint[2], 403, "permission_denied", uuid.value());
            refused(endpoint[0], endpoint[1], readOnly, endpoint[2], 403, "permission_denied", "read-only");
        }
        // a read-only token reads
        assertThat(node.send("GET", path("rows/?table_name=Tasks"), readOnly, null).status()).isEqualTo(200);
        assertThat(node.send("GET", path("operations/"), readOnly, null).status()).isEqualTo(200);
    }

    @Test
    void aBodyOverMaxRequestBytesIs413WithOrWithoutADeclaredLength() {
        String big = "{\"table_name\":\"Tasks\",\"row\":{\"Name\":\"" + "x".repeat(MAX_REQUEST_BYTES) + "\"}}";
        refused("POST", path("rows/"), token, big, 413, "request_too_large", "max_request_bytes");
        refused("POST", path("operations/"), token, big, 413, "request_too_large", "max_request_bytes");
        refused("PUT", path(""), token, big, 413, "request_too_large", "max_request_bytes");

        BaseSnapshot before = node.snapshot(uuid);
        Answer chunked = node.sendChunked("POST", path("rows/"), token, big.getBytes(StandardCharsets.UTF_8));
        assertRefusal(chunked, 413, "request_too_large", "max_request_bytes");
        node.assertUnchanged(uuid, before);
        // just under the limit is fine
        String fits = "{\"table_name\":\"Tasks\",\"row\":{\"Name\":\"" + "x".repeat(MAX_REQUEST_BYTES - 100) + "\"}}";
        Answer accepted = node.sendChunked("POST", path("rows/"), token, fits.getBytes(StandardCharsets.UTF_8));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
    }

    @Test
    void missingBasesAndUnknownPathsAre404AndWrongMethods405() {
        BaseUuid missing = BaseUuid.parse(UUID.randomUUID().toString());
        String missingToken = node.readWrite(missing);
        String base = "/api/v1/dtables/" + missing + "/";
        assertRefusal(node.send("GET", base, missingToken, null), 404, "dtable_not_found", missing.value());
        assertRefusal(node.send("GET", "/dtables/" + missing, missingToken, null), 404, "dtable_not_found", "not found");
        assertRefusal(node.send("GET", base + "metadata/", missingToken, null), 404, "dtable_not_found", "not found");
        assertRefusal(node.send("GET", base + "rows/?table_name=Table1", missingToken, null), 404, "dtable_not_found", "");
        assertRefusal(node.send("GET", base + "operations/", missingToken, null), 404, "dtable_not_found", "");
        assertRefusal(node.send("POST", base + "rows/", missingToken, "{\"table_name\":\"Table1\",\"row\":{}}"), 404,
                "dtable_not_found", "");
        assertRefusal(node.send("DELETE", base, missingToken, null), 404, "dtable_not_found", "");

        refused("GET", path("no-such-thing/"), token, null, 404, "not_found", "no-such-thing");
        refused("GET", "/nothing-here", null, null, 404, "not_found", "nothing-here");
        refused("PATCH", path("rows/"), token, "{}", 405, "method_not_allowed", "PATCH");
        refused("POST", path("metadata/"), token, "{}", 405, "method_not_allowed", "POST");
    }

    /** What a node cut from MySQL answers (its MySQL check closes the same gate): see docs/reliability.md. */
    @Test
    void whileWritesAreRefusedEveryWriteIs503WithRetryAfterAndChangesNothingAndReadsWork() {
        dtable.server.base.WriteGate gate = node.bean(dtable.server.base.BaseRegistry.class).writeGate();
        gate.close("MySQL unreachable");
        try {
            for (String[] request : writeEndpoints()) {
                Answer answer = refused(request[0], request[1], token, request[2], 503, "base_unavailable",
                        "MySQL unreachable");
                assertThat(answer.header("Retry-After")).isEqualTo("1");
            }
            assertThat(node.send("GET", path("rows/?table_name=Tasks&limit=5"), token, null).status()).isEqualTo(200);
        } finally {
            gate.open();
        }
        Answer write = node.sendOk("POST", path("rows/"), token, "{\"table_name\":\"Tasks\",\"row\":{\"Name\":\"after\"}}");
    }

    @Test
    void aBaseServedElsewhereIs307ToTheOwnerAndWithoutAnOwner503WithRetryAfter() throws Exception {
        Bucket bucket = uuid.bucket();
        BaseSnapshot before = node.snapshot(uuid);
        ServerFixture fixture = node.fixture();
        String ghostUrl = "http://127.0.0.1:1/";
        put(fixture, fixture.keys().node("ghost"), "{\"node_id\":\"ghost\",\"node_url\":\"" + ghostUrl
                + "\",\"local_node_url\":\"" + ghostUrl + "\",\"started_at\":\"2026-01-01T00:00:00Z\"}");
        try {
            fixture.assign(List.of(bucket), "ghost");
            await().atMost(Duration.ofSeconds(20)).until(() -> !node.serves(bucket));

            for (String[] request : List.of(new String[] {"GET", path("rows/?table_name=Tasks&limit=5"), null},
                    new String[] {"POST", path("rows/"), "{\"table_name\":\"Tasks\",\"row\":{\"Name\":\"lost\"}}"},
                    new String[] {"DELETE", path(""), null})) {
                Answer moved = node.send(request[0], request[1], token, request[2]);
                assertRefusal(moved, 307, "base_moved", "ghost");
                assertThat(moved.header("Location")).isEqualTo("http://127.0.0.1:1" + request[1]);
                assertThat(moved.json().path("node_id").asString()).isEqualTo("ghost");
                assertThat(moved.json().path("node_url").asString()).isEqualTo(ghostUrl);
            }
            try (SocketProbe socket = SocketProbe.connect(node.socketUrl(uuid, token))) {
                assertThat(socket.closeCode(Duration.ofSeconds(10))).isEqualTo(CloseCodes.MOVED);
                assertThat(socket.frames()).singleElement().satisfies(frame -> {
                    assertThat(frame.event()).isEqualTo("base-moved");
                    assertThat(frame.data().path("node_url").asString()).isEqualTo(ghostUrl);
                });
            }

            // the owner's registration disappears: nobody is known to serve the bucket
            fixture.etcd().getKVClient().delete(bytes(fixture.keys().node("ghost"))).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> node.send("GET", path(""), token, null).status() == 503);
            for (String[] request : List.of(new String[] {"GET", path(""), null},
                    new String[] {"PUT", path("rows/"), "{\"table_name\":\"Tasks\",\"row_id\":\"row1AAAAAAAAAAAAAAAAAA\",\"row\":{}}"})) {
                Answer unavailable = node.send(request[0], request[1], token, request[2]);
                assertRefusal(unavailable, 503, "base_unavailable", "");
                assertThat(unavailable.header("Retry-After")).isEqualTo("1");
            }
            try (SocketProbe socket = SocketProbe.connect(node.socketUrl(uuid, token))) {
                assertThat(socket.closeCode(Duration.ofSeconds(10))).isEqualTo(CloseCodes.UNAVAILABLE);
            }
        } finally {
            fixture.etcd().getKVClient().delete(bytes(fixture.keys().node("ghost"))).get(10, TimeUnit.SECONDS);
            fixture.assign(List.of(bucket), node.nodeId());
            await().atMost(Duration.ofSeconds(20)).until(() -> node.serves(bucket));
        }
        node.assertUnchanged(uuid, before);
    }

    private static void put(ServerFixture fixture, String key, String value) throws Exception {
        fixture.etcd().getKVClient().put(bytes(key), bytes(value)).get(10, TimeUnit.SECONDS);
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    private static String repeat(String item, int times) {
        StringBuilder joined = new StringBuilder(item.length() * times + times);
        for (int i = 0; i < times; i++) {
            joined.append(i == 0 ? "" : ",").append(item);
        }
        return joined.toString();
    }
}
