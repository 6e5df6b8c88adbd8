package dtable.slave;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.EtcdKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real dtable-server node as a child process, started from dtable-server's packaged jar (the slave
 * module does not depend on the dtable-server module; the jar is a build product, like a deployment).
 * Plays the monitor by pointing every bucket at the node in etcd.
 */
final class OwnerNodeProcess implements AutoCloseable {

    static final Path JAR = Path.of("..", "dtable-server", "target", "dtable-server.jar");

    final String nodeId;
    final int port;
    private final Path dir;
    private final Process process;

    private OwnerNodeProcess(String nodeId, int port, Path dir, Process process) {
        this.nodeId = nodeId;
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /**
     * Starts the node; aborts (skips) the calling test when the jar has not been built.
     *
     * @param extra raw JSON members for dtable_server_config.json ({@code "key": value, ...})
     */
    static OwnerNodeProcess start(String nodeId, int port, List<String> etcdEndpoints, String dbHost, int dbPort,
            String database, String user, String password, String extra) {
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
                    """.formatted(dbHost, dbPort, database, user, password, SlaveFixture.PRIVATE_KEY, port, extra,
                    String.join("\", \"", etcdEndpoints), nodeId, url));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-jar", JAR.toAbsolutePath().toString());
            builder.environment().put("DTABLE_CONF_DIR", dir.toString());
            builder.redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile());
            return new OwnerNodeProcess(nodeId, port, dir, builder.start());
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
            return Files.readString(dir.resolve("node.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
