package dtable.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The cluster-monitor's settings, from {@code cluster_monitor_config.json} (see {@link ConfigFile}).
 *
 * @param mysql                top-level {@code host} (127.0.0.1), {@code port} (3306), {@code user} (required),
 *                             {@code password}, {@code database} (dtable_db): the same MySQL as the servers', where
 *                             the leader keeps the cluster generation
 * @param listenPort           {@code listen_port} (5555)
 * @param privateKey           {@code private_key} (required): admin endpoints need an internal token
 * @param checkInterval        {@code check_interval_seconds} (5): how often the leader re-checks the map
 * @param autoRebalance        {@code auto_rebalance} (false): rebalance when a node joins, not only on request
 * @param maxMovesPerRebalance {@code max_moves_per_rebalance} (0 = unlimited)
 * @param cluster              the {@code cluster_config} object
 * @param fastFailover         {@code fast_failover} and its probe interval (SPEC §10)
 */
public record MonitorConfig(MysqlSettings mysql, int listenPort, String privateKey, Duration checkInterval, boolean autoRebalance,
                            int maxMovesPerRebalance, Cluster cluster, FastFailover fastFailover) {

    public static final String FILE_NAME = "cluster_monitor_config.json";

    /**
     * @param etcd             {@code etcd_host_list} (required) and {@code etcd_prefix}
     * @param monitorId        {@code monitor_id} (default {@code <hostname>-<listen_port>}): this monitor's name in the election
     * @param monitorUrl       {@code monitor_url} (default {@code http://127.0.0.1:<listen_port>/}): where followers forward to
     * @param electionLeaseTtl {@code election_lease_ttl_seconds} (10): a dead leader is replaced after this long
     */
    public record Cluster(EtcdSettings etcd, String monitorId, String monitorUrl, Duration electionLeaseTtl) {
    }

    /**
     * Evidence-based failover (SPEC §10): the leader probes every node's {@code local_node_url} port and
     * revokes the lease of a node whose port refused two connections in a row.
     *
     * @param enabled       {@code fast_failover} (true); false leaves failover to lease expiry alone
     * @param probeInterval {@code fast_failover_probe_interval_ms} (300, 100..5000): time between two probes of a node
     */
    public record FastFailover(boolean enabled, Duration probeInterval) {

        public static final FastFailover DEFAULT = new FastFailover(true, Duration.ofMillis(300));

        public FastFailover {
            Objects.requireNonNull(probeInterval, "probeInterval");
        }
    }

    public MonitorConfig {
        Objects.requireNonNull(mysql, "mysql");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(fastFailover, "fastFailover");
    }

    /** With {@link FastFailover#DEFAULT}. */
    public MonitorConfig(MysqlSettings mysql, int listenPort, String privateKey, Duration checkInterval,
                         boolean autoRebalance, int maxMovesPerRebalance, Cluster cluster) {
        this(mysql, listenPort, privateKey, checkInterval, autoRebalance, maxMovesPerRebalance, cluster,
                FastFailover.DEFAULT);
    }

    /** True when {@link #maxMovesPerRebalance} limits a rebalance. */
    public boolean limitsMoves() {
        return maxMovesPerRebalance > 0;
    }

    /** Loads {@code $DTABLE_CONF_DIR/cluster_monitor_config.json} with the process environment. */
    public static MonitorConfig load() {
        return ConfigFile.loadFromEnvironment(MonitorConfig::load);
    }

    /** @throws ConfigException naming the first wrong or missing key */
    public static MonitorConfig load(Path confDir, Map<String, String> env) {
        ConfigFile file = ConfigFile.read(confDir, FILE_NAME, env);
        int listenPort = file.integer("listen_port", 5555, 1, 65535);
        String privateKey = file.requiredPrivateKey("private_key");
        MysqlSettings mysql = MysqlSettings.read(file);
        Duration checkInterval = ServerConfig.seconds(file, "check_interval_seconds", 5);
        boolean autoRebalance = file.bool("auto_rebalance", false);
        int maxMoves = file.integer("max_moves_per_rebalance", 0, 0, 256);
        EtcdSettings etcd = EtcdSettings.read(file);
        String monitorId = file.id("cluster_config.monitor_id", hostname(env) + "-" + listenPort);
        String monitorUrl = file.optionalUrl("cluster_config.monitor_url")
                .orElse("http://127.0.0.1:" + listenPort + "/");
        Duration electionTtl = Duration.ofSeconds(file.integer("cluster_config.election_lease_ttl_seconds", 10, 1, 3600));
        FastFailover fastFailover = new FastFailover(file.bool("fast_failover", true),
                Duration.ofMillis(file.integer("fast_failover_probe_interval_ms", 300, 100, 5000)));
        return new MonitorConfig(mysql, listenPort, privateKey, checkInterval, autoRebalance, maxMoves,
                new Cluster(etcd, monitorId, monitorUrl, electionTtl), fastFailover);
    }

    /** {@code $HOSTNAME}, else the resolver's name for this host, reduced to characters valid in an id. */
    private static String hostname(Map<String, String> env) {
        String name = env.get("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                name = "localhost";
            }
        }
        String cleaned = name.replaceAll("[^A-Za-z0-9._\\-]", "-");
        return cleaned.isEmpty() ? "localhost" : cleaned;
    }

    /** Hides {@code private_key}. */
    @Override
    public String toString() {
        return "MonitorConfig[mysql=" + mysql + ", listenPort=" + listenPort + ", privateKey=***, checkInterval=" + checkInterval
                + ", autoRebalance=" + autoRebalance + ", maxMovesPerRebalance=" + maxMovesPerRebalance
                + ", cluster=" + cluster + ", fastFailover=" + fastFailover + "]";
    }
}
