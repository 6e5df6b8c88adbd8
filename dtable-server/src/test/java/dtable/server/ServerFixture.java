package dtable.server;

import dtable.core.bucket.BaseUuid;
import dtable.core.bucket.Bucket;
import dtable.core.cluster.EtcdKeys;
import dtable.core.config.MysqlSettings;
import dtable.core.config.ServerConfig;
import dtable.core.token.Permission;
import dtable.core.token.TokenService;
import dtable.testsupport.EtcdExtension;
import dtable.testsupport.ManagedProcess;
import dtable.testsupport.MariaDbExtension;
import dtable.testsupport.Ports;
import dtable.testsupport.Teardown;
import dtable.testsupport.TokenHttp;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs dtable-server nodes against a real etcd and MariaDB, in-process (Spring context) or as a
 * child JVM (for kill -9), and plays the monitor by writing {@code assign/} keys itself.
 */
public final class ServerFixture implements AutoCloseable {

    public static final String PRIVATE_KEY = "test-private-key-0123456789abcdef0123456789abcdef";

    private final List<String> etcdEndpoints;
    private final MysqlSettings mysql;
    private final Path dir;
    private final Client etcd;
    private final EtcdKeys keys = EtcdKeys.defaults();
    private final TokenService tokens = new TokenService(PRIVATE_KEY, Clock.systemUTC());
    private final TokenHttp http = new TokenHttp(Duration.ofSeconds(30));
    private final List<AutoCloseable> started = new ArrayList<>();

    private ServerFixture(List<String> etcdEndpoints, MysqlSettings mysql) {
        this.etcdEndpoints = etcdEndpoints;
        this.mysql = mysql;
        try {
            this.dir = Files.createTempDirectory("dtable-server-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.etcd = Client.builder().endpoints(etcdEndpoints.toArray(String[]::new)).build();
    }

    /**
     * One etcd member, a MariaDB and a fixture on both for the test class, closed after its last test:
     * {@code @RegisterExtension static final ServerFixture.OnEtcdAndMariaDb SERVERS = ServerFixture.onEtcdAndMariaDb();}.
     */
    public static OnEtcdAndMariaDb onEtcdAndMariaDb() {
        return new OnEtcdAndMariaDb();
    }

    /** Starts etcd, MariaDB and the fixture before the class's tests (and its {@code @BeforeAll}), closes all after. */
    public static final class OnEtcdAndMariaDb implements BeforeAllCallback, AfterAllCallback {
        private final EtcdExtension etcd = EtcdExtension.members(1);
        private final MariaDbExtension mariadb = MariaDbExtension.create();
        private ServerFixture fixture;

        @Override
        public void beforeAll(ExtensionContext context) {
            etcd.beforeAll(context);
            mariadb.beforeAll(context);
            fixture = on(etcd, mariadb);
        }

        @Override
        public void afterAll(ExtensionContext context) throws Exception {
            Teardown.closeAll(fixture, () -> mariadb.afterAll(context), () -> etcd.afterAll(context));
        }

        public ServerFixture get() {
            return fixture;
        }

        public MariaDbExtension mariadb() {
            return mariadb;
        }
    }

    /** A fixture on the test class's etcd and MariaDB. */
    public static ServerFixture on(EtcdExtension etcd, MariaDbExtension mariadb) {
        return new ServerFixture(etcd.endpoints(),
                new MysqlSettings(mariadb.host(), mariadb.port(), mariadb.user(), mariadb.password(), mariadb.database()));
    }

    /** Writes a node's config file and returns its conf dir; {@code extra} is raw JSON members ("key": value, ...). */
    public Path confDir(String nodeId, int port, String extra) {
        Path conf = dir.resolve(nodeId + "-" + port);
        String url = "http://127.0.0.1:" + port + "/";
        String hosts = String.join("\", \"", etcdEndpoints);
        String json = """
                {
                  // test node
                  "host": "%s", "port": %d, "database": "%s", "user": "%s", "password": "%s",
                  "private_key": "%s",
                  "listen_host": "127.0.0.1", "listen_port": %d,
                  %s
                  "cluster_config": {"etcd_host_list": ["%s"], "node_id": "%s", "node_url": "%s", "lease_ttl_seconds": 10}
                }
                """.formatted(mysql.host(), mysql.port(), mysql.database(), mysql.user(), mysql.password(), PRIVATE_KEY, port,
                extra == null || extra.isBlank() ? "" : extra + ",", hosts, nodeId, url);
        try {
            Files.createDirectories(conf);
            Files.writeString(conf.resolve(ServerConfig.FILE_NAME), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return conf;
    }

    /** A node running in this JVM. */
    public record InProcessNode(String nodeId, int port, ConfigurableApplicationContext context) implements AutoCloseable {
        public String url() {
            return "http://127.0.0.1:" + port;
        }

        @Override
        public void close() {
            context.close();
        }
    }

    public InProcessNode startInProcess(String nodeId, String extra) {
        int port = Ports.free();
        ServerConfig config = ServerConfig.load(confDir(nodeId, port, extra), Map.of());
        InProcessNode node = new InProcessNode(nodeId, port, DtableServerApplication.start(config));
        started.add(node);
        return node;
    }

    /** A node in a child JVM, so it can be killed with SIGKILL. */
    public final class ProcessNode implements AutoCloseable {
        public final String nodeId;
        public final int port;
        private final Path conf;
        private ManagedProcess process;

        ProcessNode(String nodeId, int port, String extra) {
            this.nodeId = nodeId;
            this.port = port;
            this.conf = confDir(nodeId, port, extra);
        }

        public ProcessNode start() {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = ManagedProcess.start(nodeId, List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    DtableServerApplication.class.getName()), Path.of("").toAbsolutePath(), conf.resolve("node.log"),
                    Map.of("DTABLE_CONF_DIR", conf.toString()));
            return this;
        }

        public String url() {
            return "http://127.0.0.1:" + port;
        }

        public void kill9() {
            process.kill();
        }

        public boolean alive() {
            return process != null && process.isAlive();
        }

        public String log() throws IOException {
            return Files.readString(conf.resolve("node.log"));
        }

        /** SIGTERM, and SIGKILL if the node has not stopped within 30 s. */
        @Override
        public void close() {
            if (process != null) {
                process.stop(Duration.ofSeconds(30));
            }
        }
    }

    public ProcessNode process(String nodeId, String extra) {
        ProcessNode node = new ProcessNode(nodeId, Ports.free(), extra);
        started.add(node);
        return node;
    }

    /** Plays the monitor: points the given buckets at {@code nodeId}. */
    public void assign(Collection<Bucket> buckets, String nodeId) {
        try {
            for (Bucket bucket : buckets) {
                etcd.getKVClient().put(bs(keys.assign(bucket)), bs(nodeId)).get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("etcd put failed", e);
        }
    }

    public void assignAll(String nodeId) {
        assign(Bucket.all(), nodeId);
    }

    /** Waits until {@code node}'s admin endpoint reports it serves {@code bucket}. */
    public boolean serves(String nodeUrl, Bucket bucket) {
        try {
            HttpResponse<String> r = send("GET", nodeUrl + "/api/v1/admin/node/", internalToken(), null);
            return r.statusCode() == 200 && r.body().contains("\"bucket\":\"" + bucket.hex() + "\"");
        } catch (RuntimeException e) {
            return false;
        }
    }

    public String internalToken() {
        return tokens.mintInternal(Duration.ofHours(1));
    }

    public String baseToken(BaseUuid uuid, Permission permission) {
        return tokens.mintBase(uuid, "alice@example.com", permission, Duration.ofHours(1));
    }

    public TokenService tokens() {
        return tokens;
    }

    public HttpResponse<String> send(String method, String url, String token, String body) {
        return http.send(method, url, token, body);
    }

    /** The fixture's HTTP calls (tokens, bodies, base creation). */
    public TokenHttp http() {
        return http;
    }

    public Client etcd() {
        return etcd;
    }

    public EtcdKeys keys() {
        return keys;
    }

    static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception ignored) {
                // best effort: keep closing the rest
            }
        }
        etcd.close();
    }
}
