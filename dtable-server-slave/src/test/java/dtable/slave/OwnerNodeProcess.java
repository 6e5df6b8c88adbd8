package dtable.slave;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.EtcdKeys;
import dtable.core.config.MysqlSettings;
import dtable.testsupport.ManagedProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real dtable-server node as a child process, started from dtable-server's packaged jar (the slave
 * module does not depend on the dtable-server module; the jar is a build product, like a deployment).
 * Plays the monitor by pointing every bucket at the node in etcd.
 */
final class OwnerNodeProcess implements AutoCloseable {

    static final Path JAR = Path.of("..", "dtable-server", "target", "dtable-server.jar");

    private final int port;
    private final ManagedProcess process;

    private OwnerNodeProcess(int port, ManagedProcess process) {
        this.port = port;
        this.process = process;
    }

    /**
     * Starts the node; aborts (skips) the calling test when the jar has not been built.
     *
     * @param extra raw JSON members for dtable_server_config.json ({@code "key": value, ...})
     */
    static OwnerNodeProcess start(String nodeId, int port, List<String> etcdEndpoints, MysqlSettings mysql,
            String extra) {
        Assumptions.assumeTrue(Files.isRegularFile(JAR), "dtable-server is not packaged at " + JAR.toAbsolutePath()
                + ": run ./mvnw -B -pl dtable-server -am install -DskipTests first");
        try {
            Path dir = Files.createTempDirectory("dtable-owner-" + nodeId);
            String url = "http://127.0.0.1:" + port + "/";
            Files.writeString(dir.resolve("dtable_server_config.json"), """
                    {
                      "host": "%s", "port": %d, "database": "%s", "user": "%s", "password": "%s",
                      "private_key": "%s",
                      "listen_host": "127.0.0.1", "listen_port": %d,
                      %s,
                      "cluster_config": {"etcd_host_list": ["%s"], "node_id": "%s", "node_url": "%s", "lease_ttl_seconds": 5}
                    }
                    """.formatted(mysql.host(), mysql.port(), mysql.database(), mysql.user(), mysql.password(),
                    SlaveFixture.PRIVATE_KEY, port, extra,
                    String.join("\", \"", etcdEndpoints), nodeId, url));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            return new OwnerNodeProcess(port, ManagedProcess.start(nodeId,
                    List.of(java, "-Xmx512m", "-jar", JAR.toAbsolutePath().toString()), Path.of("").toAbsolutePath(),
                    dir.resolve("node.log"), Map.of("DTABLE_CONF_DIR", dir.toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Plays the monitor: every bucket to {@code nodeId}. */
    static void assignAll(List<String> etcdEndpoints, String nodeId) throws Exception {
        EtcdKeys keys = EtcdKeys.defaults();
        try (Client etcd = Client.builder().endpoints(etcdEndpoints.toArray(String[]::new)).build()) {
            for (Bucket bucket : Bucket.all()) {
                etcd.getKVClient().put(ByteSequence.from(keys.assign(bucket), StandardCharsets.UTF_8),
                        ByteSequence.from(nodeId, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            }
        }
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    boolean alive() {
        return process.isAlive();
    }

    String log() {
        try {
            return Files.readString(process.logFile());
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM, and SIGKILL if the node has not stopped within 30 s. */
    @Override
    public void close() {
        process.stop(Duration.ofSeconds(30));
    }
}
