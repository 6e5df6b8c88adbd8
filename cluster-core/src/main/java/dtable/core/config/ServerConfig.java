package dtable.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A dtable-server's settings, from {@code dtable_server_config.json} (see {@link ConfigFile} for
 * comments, the environment override rule and error messages). Defaults are SeaTable's where it has one.
 *
 * @param mysql                  top-level {@code host} (127.0.0.1), {@code port} (3306), {@code user}
 *                               (required), {@code password} (""), {@code database} (dtable_db)
 * @param privateKey             {@code private_key} (required): the token signing key shared by the cluster
 * @param listenHost             {@code listen_host} (0.0.0.0): address the HTTP server binds
 * @param listenPort             {@code listen_port} (5000)
 * @param writePort              {@code write_port} (0 = none): the port of the node's write port, an event loop that
 *                               serves only the six hot row writes (docs/architecture.md, "The write port"); it
 *                               binds {@code listen_host} like the HTTP server
 * @param workerThreadsRowsLimit {@code worker_threads_rows_limit} (50000): reads of bases with more rows go to the slave
 * @param dtableServerSlaveUrl   {@code dtable_server_slave_url} (none): the slave's URL, ending with {@code /}
 * @param saveInterval           {@code save_interval_seconds} (300): snapshot period for changed bases
 * @param snapshotEveryOps       {@code snapshot_every_ops} (1000): snapshot a base after this many operations
 * @param operationLogRetention  {@code operation_log_retention_days} (14)
 * @param idleUnload             {@code idle_unload_seconds} (1800): unload a base nobody used for this long
 * @param maxLoadedRows          {@code max_loaded_rows} (5,000,000): rows held in memory before unloading idle bases
 * @param rowsApiMaxLimit        {@code rows_api_max_limit} (1000): largest {@code limit} of a rows listing
 * @param batchMaxRows           {@code batch_max_rows} (1000): rows per batch append or update
 * @param batchDeleteMaxRows     {@code batch_delete_max_rows} (10000): rows per batch delete
 * @param baseWritableLimit      {@code base_writable_limit} (1,000,000): a base with more rows is read-only
 * @param maxRequestBytes        {@code max_request_bytes} (16 MiB): larger bodies get 413
 * @param groupCommitLinger      {@code group_commit_linger_ms} (0): how long a commit batch waits for more operations
 * @param groupCommitMaxOps      {@code group_commit_max_ops} (256): operations that close a commit batch early
 * @param groupCommitWriters     {@code group_commit_writers} (1, at most 8): log writers committing side by side;
 *                               a base always goes to the same one, so its operations stay in order
 * @param cluster                the {@code cluster_config} object
 */
public record ServerConfig(
        MysqlSettings mysql,
        String privateKey,
        String listenHost,
        int listenPort,
        int writePort,
        int workerThreadsRowsLimit,
        Optional<String> dtableServerSlaveUrl,
        Duration saveInterval,
        int snapshotEveryOps,
        Duration operationLogRetention,
        Duration idleUnload,
        int maxLoadedRows,
        int rowsApiMaxLimit,
        int batchMaxRows,
        int batchDeleteMaxRows,
        int baseWritableLimit,
        long maxRequestBytes,
        Duration groupCommitLinger,
        int groupCommitMaxOps,
        int groupCommitWriters,
        Cluster cluster) {

    public static final String FILE_NAME = "dtable_server_config.json";

    /**
     * The node's place in the cluster ({@code cluster_config}).
     *
     * @param etcd         {@code etcd_host_list} (required) and {@code etcd_prefix} ({@code /dtable-cluster/})
     * @param nodeId       {@code node_id} (required): letters, digits, {@code . _ -}
     * @param nodeUrl      {@code node_url} (required): what browsers connect to, ending with {@code /}
     * @param localNodeUrl {@code local_node_url} (default {@code node_url}): what the proxy forwards to
     * @param leaseTtl     {@code lease_ttl_seconds} (10): the etcd lease; a node that cannot renew it fences itself
     * @param mysqlUnreachableRelease {@code mysql_unreachable_release_seconds} (8; 0 = never, {@link Duration#ZERO}):
     *                     a node that cannot reach MySQL for this long revokes its lease, so that another node serves
     *                     its buckets, and registers again once MySQL answers. 8 s: with the check's 1.5 s and the
     *                     move, a healthy node writes the bases within 15 s of the cut; a MySQL restart (a few
     *                     seconds) stays below it
     * @param localWriteUrl {@code local_write_url} (default {@code local_node_url} with {@code write_port} as its port;
     *                     null when the node has no write port): what the proxy sends the hot row writes to
     */
    public record Cluster(EtcdSettings etcd, String nodeId, String nodeUrl, String localNodeUrl, Duration leaseTtl,
                          Duration mysqlUnreachableRelease, String localWriteUrl) {

        /** Without a write port. */
        public Cluster(EtcdSettings etcd, String nodeId, String nodeUrl, String localNodeUrl, Duration leaseTtl,
                Duration mysqlUnreachableRelease) {
            this(etcd, nodeId, nodeUrl, localNodeUrl, leaseTtl, mysqlUnreachableRelease, null);
        }

        /** With the default {@code mysql_unreachable_release_seconds} of 8, without a write port. */
        public Cluster(EtcdSettings etcd, String nodeId, String nodeUrl, String localNodeUrl, Duration leaseTtl) {
            this(etcd, nodeId, nodeUrl, localNodeUrl, leaseTtl, Duration.ofSeconds(8));
        }
    }

    public ServerConfig {
        Objects.requireNonNull(mysql, "mysql");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(dtableServerSlaveUrl, "dtableServerSlaveUrl");
        Objects.requireNonNull(cluster, "cluster");
    }

    /** Loads {@code $DTABLE_CONF_DIR/dtable_server_config.json} with the process environment. */
    public static ServerConfig load() {
        return ConfigFile.loadFromEnvironment(ServerConfig::load);
    }

    /**
     * Loads {@code confDir/dtable_server_config.json}, {@code env} overriding it.
     *
     * @throws ConfigException naming the first wrong or missing key
     */
    public static ServerConfig load(Path confDir, Map<String, String> env) {
        ConfigFile file = ConfigFile.read(confDir, FILE_NAME, env);
        MysqlSettings mysql = MysqlSettings.read(file);
        String privateKey = file.requiredPrivateKey("private_key");
        String listenHost = file.string("listen_host", "0.0.0.0").trim();
        int listenPort = file.integer("listen_port", 5000, 1, 65535);
        int writePort = file.integer("write_port", 0, 0, 65535);
        if (writePort == listenPort) {
            throw file.invalid("write_port", "must differ from listen_port " + listenPort);
        }
        int workerThreadsRowsLimit = file.integer("worker_threads_rows_limit", 50_000, 1, Integer.MAX_VALUE);
        Optional<String> slaveUrl = file.optionalUrl("dtable_server_slave_url");
        Duration saveInterval = seconds(file, "save_interval_seconds", 300);
        int snapshotEveryOps = file.integer("snapshot_every_ops", 1000, 1, Integer.MAX_VALUE);
        Duration retention = Duration.ofDays(file.integer("operation_log_retention_days", 14, 1, 36_500));
        Duration idleUnload = seconds(file, "idle_unload_seconds", 1800);
        int maxLoadedRows = file.integer("max_loaded_rows", 5_000_000, 1, Integer.MAX_VALUE);
        int rowsApiMaxLimit = file.integer("rows_api_max_limit", 1000, 1, Integer.MAX_VALUE);
        int batchMaxRows = file.integer("batch_max_rows", 1000, 1, Integer.MAX_VALUE);
        int batchDeleteMaxRows = file.integer("batch_delete_max_rows", 10_000, 1, Integer.MAX_VALUE);
        int baseWritableLimit = file.integer("base_writable_limit", 1_000_000, 1, Integer.MAX_VALUE);
        long maxRequestBytes = file.longValue("max_request_bytes", 16L * 1024 * 1024, 1024, Long.MAX_VALUE);
        Duration linger = Duration.ofMillis(file.integer("group_commit_linger_ms", 0, 0, 10_000));
        int groupCommitMaxOps = file.integer("group_commit_max_ops", 256, 1, 1_000_000);
        // each writer holds a pooled connection while busy: the pool (16) must keep room for loads and snapshots
        int groupCommitWriters = file.integer("group_commit_writers", 1, 1, 8);
        if (listenHost.isEmpty()) {
            throw file.invalid("listen_host", "must not be empty");
        }
        return new ServerConfig(mysql, privateKey, listenHost, listenPort, writePort, workerThreadsRowsLimit, slaveUrl,
                saveInterval, snapshotEveryOps, retention, idleUnload, maxLoadedRows, rowsApiMaxLimit, batchMaxRows,
                batchDeleteMaxRows, baseWritableLimit, maxRequestBytes, linger, groupCommitMaxOps, groupCommitWriters,
                readCluster(file, writePort));
    }

    private static Cluster readCluster(ConfigFile file, int writePort) {
        EtcdSettings etcd = EtcdSettings.read(file);
        String nodeId = file.requiredId("cluster_config.node_id");
        String nodeUrl = file.requiredUrl("cluster_config.node_url");
        String localNodeUrl = file.optionalUrl("cluster_config.local_node_url").orElse(nodeUrl);
        Duration leaseTtl = Duration.ofSeconds(file.integer("cluster_config.lease_ttl_seconds", 10, 1, 3600));
        Duration mysqlRelease = Duration.ofSeconds(
                file.integer("cluster_config.mysql_unreachable_release_seconds", 8, 0, 3600));
        Optional<String> localWriteUrl = file.optionalUrl("cluster_config.local_write_url");
        if (localWriteUrl.isPresent() && writePort == 0) {
            throw file.invalid("cluster_config.local_write_url", "needs write_port: this node has no write port");
        }
        return new Cluster(etcd, nodeId, nodeUrl, localNodeUrl, leaseTtl, mysqlRelease,
                writePort == 0 ? null : localWriteUrl.orElseGet(() -> withPort(localNodeUrl, writePort)));
    }

    /** {@code url} (http(s), ending with {@code /}) with {@code port} instead of its own; its path is dropped. */
    static String withPort(String url, int port) {
        int hostStart = url.indexOf("://") + 3;
        int slash = url.indexOf('/', hostStart);
        String authority = url.substring(hostStart, slash < 0 ? url.length() : slash);
        int bracket = authority.lastIndexOf(']');
        int colon = authority.lastIndexOf(':');
        String host = colon > bracket ? authority.substring(0, colon) : authority;
        return url.substring(0, hostStart) + host + ":" + port + "/";
    }

    static Duration seconds(ConfigFile file, String key, int defaultSeconds) {
        return Duration.ofSeconds(file.integer(key, defaultSeconds, 1, Integer.MAX_VALUE));
    }

    /** Hides {@code private_key} and the MySQL password. */
    @Override
    public String toString() {
        return "ServerConfig[mysql=" + mysql + ", privateKey=***, listen=" + listenHost + ":" + listenPort
                + ", workerThreadsRowsLimit=" + workerThreadsRowsLimit + ", dtableServerSlaveUrl="
                + dtableServerSlaveUrl.orElse("none") + ", cluster=" + cluster + "]";
    }
}
