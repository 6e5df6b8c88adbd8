package dtable.clustertest;

import static org.awaitility.Awaitility.await;

import dtable.testsupport.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A second cluster-monitor for the leader-failover scenario: bin/dev-cluster runs one. It uses the
 * config file the launcher generated for the first monitor, with its own port, {@code monitor_id} and
 * {@code monitor_url} from environment overrides (MonitorConfig's keys), so it joins the same election.
 *
 * <p>The process is a {@link ManagedProcess}: test-support SIGKILLs it at JVM exit if {@link #close()} did not run.
 */
final class ExtraMonitor implements AutoCloseable {

    static final String MONITOR_ID = "monitor-2";

    private final ManagedProcess process;
    private final String url;

    private ExtraMonitor(ManagedProcess process, String url) {
        this.process = process;
        this.url = url;
    }

    /** Starts it and waits until it answers {@code /ping/}. */
    static ExtraMonitor start(ClusterApi api) {
        DevCluster cluster = api.cluster();
        int port = DevCluster.EXTRA_MONITOR_PORT + cluster.offset();
        // with network namespaces the host side is reached at HOST_ADDRESS (a namespaced monitor forwards there)
        String host = cluster.settingOr("HOST_ADDRESS", "127.0.0.1");
        String url = "http://" + host + ":" + port + "/";
        Map<String, String> env = new LinkedHashMap<>(cluster.serviceEnvironment());
        env.put("DTABLE_CONF_DIR", cluster.home().resolve("conf/monitor").toString());
        env.put("DTABLE_LISTEN_PORT", Integer.toString(port));
        env.put("DTABLE_CLUSTER_CONFIG_MONITOR_ID", MONITOR_ID);
        env.put("DTABLE_CLUSTER_CONFIG_MONITOR_URL", url);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", cluster.repo().resolve("cluster-monitor/target/cluster-monitor.jar").toString(),
                "--server.port=" + port, "--server.address=" + host);
        ManagedProcess process = ManagedProcess.start(MONITOR_ID, command, cluster.home(),
                cluster.home().resolve("logs/" + MONITOR_ID + ".log"), env);
        ExtraMonitor monitor = new ExtraMonitor(process, url);
        try {
            await("monitor-2 answering /ping/").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> process.isAlive()
                            && "pong".equals(api.call("GET", url + "ping/", null, null, Duration.ofSeconds(2)).body().trim()));
        } catch (RuntimeException e) {
            String tail = process.logTail(30);
            monitor.close();
            throw new IllegalStateException("monitor-2 did not start:\n" + tail, e);
        }
        return monitor;
    }

    String url() {
        return url;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    void kill() {
        process.kill();
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(20));
    }
}
