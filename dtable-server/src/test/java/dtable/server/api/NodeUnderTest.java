package dtable.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.core.config.ServerConfig;
import dtable.core.token.Permission;
import dtable.server.DtableServerApplication;
import dtable.server.ServerFixture;
import dtable.testsupport.MariaDbExtension;
import dtable.testsupport.Ports;
import dtable.testsupport.Teardown;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One in-process dtable-server serving every bucket, on its own etcd member and MariaDB, with a small
 * JSON HTTP client: the JUnit extension the REST and socket integration tests share. Register it on a
 * static field, {@code @RegisterExtension static final NodeUnderTest node = NodeUnderTest.serving("rest-api", "");};
 * etcd, MariaDB and the node start before the class's {@code @BeforeAll} and stop after its last test.
 * Every answer it receives is checked for {@code X-Dtable-Node} naming this node (SPEC §7: every
 * answer, errors included).
 *
 * <p>{@link #send} and the other request methods may be called from many threads once the class runs.
 */
public final class NodeUnderTest implements BeforeAllCallback, AfterAllCallback {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final ServerFixture.OnEtcdAndMariaDb servers = ServerFixture.onEtcdAndMariaDb();
    private final String nodeId;
    private final String extra;
    private final String[] springArgs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    /** Set by {@link #beforeAll} before any test runs. */
    private volatile int port;
    /** The node's write port ({@code write_port}); every node under test has one. */
    private volatile int writePort;
    /** When set, the six hot row writes go to the write port instead of the servlet port ({@link #routeHotWrites}). */
    private volatile boolean hotWritesToWritePort;
    private final AtomicInteger writePortRequests = new AtomicInteger();
    /** When set, {@link #socketUrl} names the write port's WebSocket. */
    private volatile boolean socketsOnWritePort;
    private final AtomicInteger writePortSockets = new AtomicInteger();
    private volatile ConfigurableApplicationContext context;

    private NodeUnderTest(String nodeId, String extra, String[] springArgs) {
        this.nodeId = nodeId;
        this.extra = extra;
        this.springArgs = springArgs;
    }

    /**
     * A node with {@code extra} config members (raw JSON, e.g. {@code "max_request_bytes": 65536}) and
     * Spring arguments (e.g. {@code --dtable.socket.queue-capacity=32}); it is given every bucket and
     * serves them all before the class's tests run.
     */
    public static NodeUnderTest serving(String nodeId, String extra, String... springArgs) {
        return new NodeUnderTest(nodeId, extra, springArgs);
    }

    @Override
    public void beforeAll(ExtensionContext extensionContext) {
        servers.beforeAll(extensionContext);
        port = Ports.free();
        writePort = Ports.free();
        String withWritePort = "\"write_port\": " + writePort + (extra == null || extra.isBlank() ? "" : ", " + extra);
        ServerConfig config = ServerConfig.load(fixture().confDir(nodeId, port, withWritePort), Map.of());
        context = DtableServerApplication.start(config, springArgs);
        fixture().assignAll(nodeId);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Answer admin = send("GET", "/api/v1/admin/node/", internalToken(), null);
            return admin.status() == 200 && admin.json().path("buckets").size() == 256;
        });
    }

    @Override
    public void afterAll(ExtensionContext extensionContext) throws Exception {
        Teardown.closeAll(context, () -> servers.afterAll(extensionContext));
    }

    /** An HTTP answer. */
    public record Answer(int status, HttpHeaders headers, String body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** {@code X-Dtable-Version} as a number. */
        public long version() {
            String value = header(BaseAccess.VERSION_HEADER);
            assertThat(value).as("X-Dtable-Version of " + body).isNotNull();
            return Long.parseLong(value);
        }

        public String errorType() {
            return json().path("error_type").asString();
        }

        public String errorMsg() {
            return json().path("error_msg").asString();
        }
    }

    /** Sends a request ({@code body} with a declared length) and checks the node header. */
    public Answer send(String method, String path, String token, String body) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
        return send(request(method, path, token, body != null).method(method, publisher).build());
    }

    /** {@link #send} of a request that must succeed: fails the test, showing the answer's body, unless it is 200. */
    public Answer sendOk(String method, String path, String token, String body) {
        Answer answer = send(method, path, token, body);
        assertThat(answer.status()).as(method + " " + path + ": " + answer.body()).isEqualTo(200);
        return answer;
    }

    /** Sends a body without a declared length (chunked transfer encoding). */
    public Answer sendChunked(String method, String path, String token, byte[] body) {
        return send(request(method, path, token, true)
                .method(method, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
    }

    /**
     * Sends the six hot row writes (POST, PUT, DELETE {@code /api/v1/dtables/{uuid}/rows/} and the batch forms) to
     * the node's write port from now on ({@code true}), as the proxy does, or to its servlet port ({@code false}, the
     * default); every other request goes to the servlet port either way.
     */
    public void routeHotWrites(boolean toWritePort) {
        hotWritesToWritePort = toWritePort;
    }

    /** How many requests went to the write port so far. */
    public int writePortRequests() {
        return writePortRequests.get();
    }

    private static final Pattern HOT_WRITE = Pattern.compile(
            "(POST|PUT|DELETE) /api/v1/dtables/[^/?]+/rows/?(\\?.*)?"
                    + "|POST /api/v1/dtables/[^/?]+/batch-append-rows/?(\\?.*)?"
                    + "|PUT /api/v1/dtables/[^/?]+/batch-update-rows/?(\\?.*)?"
                    + "|DELETE /api/v1/dtables/[^/?]+/batch-delete-rows/?(\\?.*)?");

    /** Where {@code method path} goes: the write port for a hot write while {@link #routeHotWrites} says so. */
    private URI target(String method, String path) {
        if (hotWritesToWritePort && HOT_WRITE.matcher(method + " " + path).matches()) {
            writePortRequests.incrementAndGet();
            return URI.create("http://127.0.0.1:" + writePort + path);
        }
        return URI.create(url() + path);
    }

    /** Sends a bodiless request with a raw {@code Authorization} header. */
    public Answer sendWithAuthorization(String method, String path, String authorization) {
        return send(HttpRequest.newBuilder(target(method, path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization).method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private HttpRequest.Builder request(String method, String path, String token, boolean json) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(target(method, path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Token " + token);
        }
        if (json) {
            builder.header("Content-Type", "application/json");
        }
        return builder;
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            Answer answer = new Answer(r.statusCode(), r.headers(), r.body());
            assertThat(answer.header("X-Dtable-Node")).as("X-Dtable-Node of %s %s -> %d %s", request.method(),
                    request.uri(), r.statusCode(), r.body()).isEqualTo(nodeId);
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates a base (the default one-table base, or {@code initialJson}) and returns its UUID. */
    public BaseUuid createBase(String initialJson) {
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        Answer created = send("PUT", "/api/v1/dtables/" + uuid + "/", internalToken(), initialJson);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return uuid;
    }

    /** What a base holds: its version and whole JSON, read with an internal token. */
    public record BaseSnapshot(long version, JsonNode document) {
    }

    public BaseSnapshot snapshot(BaseUuid uuid) {
        Answer answer = send("GET", "/api/v1/dtables/" + uuid + "/", internalToken(), null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode document = answer.json();
        assertThat(document.path("version").asLong()).isEqualTo(answer.version());
        return new BaseSnapshot(answer.version(), document);
    }

    /** Asserts the base is exactly as {@code before}: same version, same tables, columns and rows. */
    public void assertUnchanged(BaseUuid uuid, BaseSnapshot before) {
        BaseSnapshot now = snapshot(uuid);
        assertThat(now.version()).as("version of " + uuid).isEqualTo(before.version());
        assertThat(now.document()).as("document of " + uuid).isEqualTo(before.document());
    }

    public String internalToken() {
        return fixture().internalToken();
    }

    public String readWrite(BaseUuid uuid) {
        return fixture().baseToken(uuid, Permission.READ_WRITE);
    }

    /** A read-write token of another user than {@link #readWrite(BaseUuid)}'s. */
    public String readWrite(BaseUuid uuid, String username) {
        return fixture().tokens().mintBase(uuid, username, Permission.READ_WRITE, Duration.ofHours(1));
    }

    public String readOnly(BaseUuid uuid) {
        return fixture().baseToken(uuid, Permission.READ);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The socket of {@code uuid}: on the write port while {@link #socketsOnWritePort} says so, else on the servlet port. */
    public String socketUrl(BaseUuid uuid, String token) {
        int at = port;
        if (socketsOnWritePort) {
            writePortSockets.incrementAndGet();
            at = writePort;
        }
        return "ws://127.0.0.1:" + at + "/socket/dtables/" + uuid + (token == null ? "" : "?token=" + token);
    }

    /** Whether {@link #socketUrl} names the write port's WebSocket (false: the servlet container's, the default). */
    public void socketsOnWritePort(boolean onWritePort) {
        socketsOnWritePort = onWritePort;
    }

    /** How many socket URLs named the write port so far. */
    public int writePortSockets() {
        return writePortSockets.get();
    }

    public String nodeId() {
        return nodeId;
    }

    /** The fixture, to play the monitor (assign buckets) or write etcd keys. */
    public ServerFixture fixture() {
        return servers.get();
    }

    /** Whether the node's admin endpoint lists {@code bucket} as served. */
    public boolean serves(dtable.core.bucket.Bucket bucket) {
        return fixture().serves(url(), bucket);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** A JDBC connection to the node's database (to check what is durable, or to damage the log on purpose). */
    public Connection database() throws SQLException {
        MariaDbExtension mariadb = servers.mariadb();
        return DriverManager.getConnection(mariadb.jdbcUrl(), mariadb.user(), mariadb.password());
    }
}
