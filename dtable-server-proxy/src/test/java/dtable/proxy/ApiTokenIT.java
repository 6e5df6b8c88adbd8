package dtable.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.config.EtcdSettings;
import dtable.core.config.MysqlSettings;
import dtable.core.config.ProxyConfig;
import dtable.core.token.Permission;
import dtable.core.token.TokenClaims;
import dtable.core.token.TokenService;
import dtable.testsupport.EtcdExtension;
import dtable.testsupport.MariaDbExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * API tokens on a real proxy with real MariaDB and etcd (SPEC §9): the proxy creates its table
 * itself, manages tokens with an internal token, stores only hashes, exchanges a token for a base
 * access token with the token's permission, and refuses revoked, unknown or malformed tokens with a
 * 401 and bad requests with a clear 4xx, changing nothing.
 */
@Tag("integration")
class ApiTokenIT {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    @RegisterExtension
    static MariaDbExtension mariadb = MariaDbExtension.create();

    private static final String KEY = "api-token-test-key-that-is-at-least-32-bytes-long";
    private static final String BASE = "5b0c2a1e-0000-4000-8000-00000000c0de";
    private static final String OTHER_BASE = "6c0c2a1e-0000-4000-8000-00000000c0de";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final TokenService TOKENS = new TokenService(KEY, Clock.systemUTC());
    private static final String INTERNAL = TOKENS.mintInternal(Duration.ofMinutes(10));

    private static ProxyHarness proxy;

    @BeforeAll
    static void startProxy() {
        ProxyConfig config = new ProxyConfig(5550, Optional.of(KEY), Duration.ofSeconds(2), Optional.empty(),
                new EtcdSettings(etcd.endpoints(), "/api-token-test/"),
                Optional.of(new MysqlSettings(mariadb.host(), mariadb.port(), mariadb.user(), mariadb.password(),
                        mariadb.database())));
        proxy = ProxyHarness.start(config);
        // the proxy creates the table in the background; the listing answers once it exists
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> send("GET", "/api/v1/dtables/" + BASE + "/api-tokens/", INTERNAL, null).statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void createExchangeListAndRevoke() throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/dtables/" + BASE + "/api-tokens/", INTERNAL,
                "{\"app_name\":\"script one\",\"permission\":\"rw\"}");
        assertThat(created.statusCode()).isEqualTo(200);
        JsonNode issued = JSON.readTree(created.body());
        assertThat(issued.path("app_name").asString()).isEqualTo("script one");
        assertThat(issued.path("permission").asString()).isEqualTo("rw");
        String apiToken = issued.path("api_token").asString();
        assertThat(apiToken).matches("[0-9a-f]{40}");

        // only the hash is stored
        assertThat(storedHashes()).doesNotContain(apiToken).hasSizeGreaterThanOrEqualTo(1)
                .allMatch(hash -> hash.matches("[0-9a-f]{64}"));

        HttpResponse<String> exchanged = send("GET", "/api/v2.1/dtable/app-access-token/", apiToken, null);
        assertThat(exchanged.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(exchanged.body());
        assertThat(answer.path("app_name").asString()).isEqualTo("script one");
        assertThat(answer.path("dtable_uuid").asString()).isEqualTo(BASE);
        assertThat(answer.path("dtable_server").asString()).isEqualTo("http://127.0.0.1:" + proxy.port() + "/api-gateway/");
        assertThat(answer.path("dtable_socket").asString()).isEqualTo("http://127.0.0.1:" + proxy.port() + "/");
        assertThat(answer.has("workspace_id")).isTrue();
        TokenClaims claims = TOKENS.verify(answer.path("access_token").asString());
        assertThat(claims.dtableUuid()).isEqualTo(BASE);
        assertThat(claims.username()).isEqualTo("script one");
        assertThat(claims.permission()).isEqualTo(Permission.READ_WRITE);
        assertThat(claims.internal()).isFalse();
        assertThat(claims.expiresAt()).isBetween(Instant.now().plus(Duration.ofDays(3)).minusSeconds(60),
                Instant.now().plus(Duration.ofDays(3)).plusSeconds(1));

        String accessToken = answer.path("access_token").asString();
        JsonNode related = JSON.readTree(send("GET", "/api/v2.1/dtables/" + BASE + "/related-users/", accessToken,
                null).body());
        assertThat(related.path("user_list").size()).isZero();
        assertThat(related.path("app_user_list").path(0).path("email").asString()).isEqualTo("script one");
        JsonNode departments = JSON.readTree(send("GET", "/api/v2.1/dtables/" + BASE + "/departments/",
                accessToken, null).body());
        assertThat(departments.path("departments").isArray()).isTrue();
        assertThat(send("GET", "/api/v2.1/dtables/" + OTHER_BASE + "/departments/", accessToken, null).statusCode())
                .isEqualTo(403);

        JsonNode listed = JSON.readTree(send("GET", "/api/v1/dtables/" + BASE + "/api-tokens/", INTERNAL, null).body());
        assertThat(listed.path("api_tokens").toString()).contains("script one").doesNotContain(apiToken);
        assertThat(listed.path("api_tokens").path(0).has("created_at")).isTrue();

        HttpResponse<String> revoked = send("DELETE", "/api/v1/dtables/" + BASE + "/api-tokens/script%20one/",
                INTERNAL, null);
        assertThat(revoked.statusCode()).isEqualTo(200);
        HttpResponse<String> after = send("GET", "/api/v2.1/dtable/app-access-token/", apiToken, null);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.body()).contains("unknown or has been revoked");
        assertThat(send("DELETE", "/api/v1/dtables/" + BASE + "/api-tokens/script%20one/", INTERNAL, null)
                .statusCode()).isEqualTo(404);
    }

    @Test
    void readOnlyTokenGivesReadOnlyAccessAndASecondTokenReplacesTheFirst() throws Exception {
        String first = token(BASE, "reader", "r");
        TokenClaims claims = TOKENS.verify(JSON.readTree(send("GET", "/api/v2.1/dtable/app-access-token/", first,
                null).body()).path("access_token").asString());
        assertThat(claims.permission()).isEqualTo(Permission.READ);

        String second = token(BASE, "reader", "rw");
        assertThat(send("GET", "/api/v2.1/dtable/app-access-token/", first, null).statusCode()).isEqualTo(401);
        TokenClaims now = TOKENS.verify(JSON.readTree(send("GET", "/api/v2.1/dtable/app-access-token/", second,
                null).body()).path("access_token").asString());
        assertThat(now.permission()).isEqualTo(Permission.READ_WRITE);
    }

    @Test
    void badRequestsGetClearErrorsAndChangeNothing() throws Exception {
        String path = "/api/v1/dtables/" + BASE + "/api-tokens/";
        List<String> before = storedHashes();
        String baseToken = TOKENS.mintBase(dtable.core.bucket.BaseUuid.parse(BASE), "x", Permission.READ_WRITE,
                Duration.ofMinutes(5));

        assertError(send("POST", path, null, "{\"app_name\":\"a\"}"), 401, "unauthorized");
        assertError(send("POST", path, "not-a-jwt", "{\"app_name\":\"a\"}"), 401, "unauthorized");
        assertError(send("POST", path, baseToken, "{\"app_name\":\"a\"}"), 403, "forbidden");
        assertError(send("POST", path, INTERNAL, "{\"app_name\":"), 400, "invalid_json");
        assertError(send("POST", path, INTERNAL, "[1]"), 400, "invalid_json");
        assertError(send("POST", path, INTERNAL, "{}"), 400, "invalid_parameter");
        assertError(send("POST", path, INTERNAL, "{\"app_name\":\"a/b\"}"), 400, "invalid_parameter");
        assertError(send("POST", path, INTERNAL, "{\"app_name\":\"a\",\"permission\":\"admin\"}"), 400,
                "invalid_parameter");
        assertError(send("POST", "/api/v1/dtables/not-a-uuid/api-tokens/", INTERNAL, "{\"app_name\":\"a\"}"), 400,
                "invalid_dtable_uuid");
        assertError(send("GET", "/api/v2.1/dtable/app-access-token/", null, null), 401, "unauthorized");
        assertError(send("GET", "/api/v2.1/dtable/app-access-token/", "0".repeat(40), null), 401, "invalid_api_token");
        assertError(send("GET", "/api/v2.1/dtables/" + BASE + "/related-users/", "nope", null), 401, "unauthorized");

        assertThat(storedHashes()).containsExactlyInAnyOrderElementsOf(before);
    }

    private static void assertError(HttpResponse<String> response, int status, String type) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error_type").asString()).isEqualTo(type);
        assertThat(body.path("error_msg").asString()).isNotBlank();
    }

    private static String token(String base, String app, String permission) throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/dtables/" + base + "/api-tokens/", INTERNAL,
                "{\"app_name\":\"" + app + "\",\"permission\":\"" + permission + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return JSON.readTree(created.body()).path("api_token").asString();
    }

    private static List<String> storedHashes() throws Exception {
        List<String> hashes = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(mariadb.jdbcUrl(), mariadb.user(), mariadb.password());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT token_hash FROM api_tokens")) {
            while (rows.next()) {
                hashes.add(rows.getString(1));
            }
        }
        return hashes;
    }

    static HttpResponse<String> send(String method, String path, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Token " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
