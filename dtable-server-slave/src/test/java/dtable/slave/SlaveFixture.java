package dtable.slave;

import dtable.core.bucket.BaseUuid;
import dtable.core.config.MysqlSettings;
import dtable.core.config.SlaveConfig;
import dtable.core.token.Permission;
import dtable.core.token.TokenService;
import dtable.testsupport.EtcdExtension;
import dtable.testsupport.MariaDbExtension;
import dtable.testsupport.Ports;
import dtable.testsupport.Teardown;
import dtable.testsupport.TokenHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * One etcd member and one MariaDB for a test class (a JUnit extension: register it on a static field with
 * {@code @RegisterExtension}), slaves started in this JVM from a written config file on them, and HTTP
 * with dtable tokens.
 */
final class SlaveFixture implements BeforeAllCallback, AfterAllCallback {

    static final String PRIVATE_KEY = "test-private-key-0123456789abcdef0123456789abcdef";
    /** For reading the answers in tests. */
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final EtcdExtension etcd = EtcdExtension.members(1);
    private final MariaDbExtension mariadb = MariaDbExtension.create();
    private final TokenService tokens = new TokenService(PRIVATE_KEY, Clock.systemUTC());
    private final TokenHttp http = new TokenHttp(Duration.ofSeconds(60));

    private SlaveFixture() {
    }

    /** etcd and MariaDB start before the class's {@code @BeforeAll} and stop after its last test. */
    static SlaveFixture onEtcdAndMariaDb() {
        return new SlaveFixture();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        etcd.beforeAll(context);
        mariadb.beforeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Teardown.closeAll(() -> mariadb.afterAll(context), () -> etcd.afterAll(context));
    }

    List<String> etcdEndpoints() {
        return etcd.endpoints();
    }

    MariaDbExtension mariadb() {
        return mariadb;
    }

    /** The MariaDB as the services' config files name it. */
    MysqlSettings mysql() {
        return new MysqlSettings(mariadb.host(), mariadb.port(), mariadb.user(), mariadb.password(), mariadb.database());
    }

    /** A slave running in this JVM. */
    record Slave(String nodeId, int port, ConfigurableApplicationContext context) implements AutoCloseable {
        String url() {
            return "http://127.0.0.1:" + port;
        }

        <T> T bean(Class<T> type) {
            return context.getBean(type);
        }

        @Override
        public void close() {
            context.close();
        }
    }

    Path confDir(String nodeId, int port, long maxCachedRows) {
        try {
            Path dir = Files.createTempDirectory("dtable-slave-" + nodeId);
            String json = """
                    {
                      // test slave
                      "host": "%s", "port": %d, "database": "%s", "user": "%s", "password": "%s",
                      "private_key": "%s",
                      "listen_port": %d,
                      "max_cached_rows": %d,
                      "cluster_config": {"etcd_host_list": ["%s"], "node_id": "%s"}
                    }
                    """.formatted(mariadb.host(), mariadb.port(), mariadb.database(), mariadb.user(), mariadb.password(),
                    PRIVATE_KEY, port, maxCachedRows, String.join("\", \"", etcd.endpoints()), nodeId);
            Files.writeString(dir.resolve(SlaveConfig.FILE_NAME), json);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Slave start(String nodeId, long maxCachedRows) {
        return start(nodeId, Ports.free(), maxCachedRows);
    }

    Slave start(String nodeId, int port, long maxCachedRows) {
        SlaveConfig config = SlaveConfig.load(confDir(nodeId, port, maxCachedRows), Map.of());
        return new Slave(nodeId, port, SlaveApplication.start(config));
    }

    String readToken(BaseUuid uuid) {
        return tokens.mintBase(uuid, "reader@example.com", Permission.READ, Duration.ofHours(1));
    }

    String writeToken(BaseUuid uuid) {
        return tokens.mintBase(uuid, "writer@example.com", Permission.READ_WRITE, Duration.ofHours(1));
    }

    String internalToken() {
        return tokens.mintInternal(Duration.ofHours(1));
    }

    HttpResponse<String> get(String url, String token) {
        return http.send("GET", url, token, null);
    }

    /** A GET with {@code Accept-Encoding: gzip}; the body as it came, not decoded. */
    HttpResponse<byte[]> getGzip(String url, String token) {
        return http.getBytes(url, token, "Accept-Encoding", "gzip, deflate");
    }

    static String gunzip(byte[] gzip) {
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HttpResponse<String> send(String method, String url, String token, String body) {
        return http.send(method, url, token, body);
    }

    /** The fixture's HTTP calls (tokens, bodies, base creation). */
    TokenHttp http() {
        return http;
    }
}
