package dtable.core.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The dtable-server-slave's settings, from {@code dtable_server_slave_config.json} (see {@link ConfigFile}).
 *
 * @param mysql            top-level {@code host} (127.0.0.1), {@code port} (3306), {@code user} (required),
 *                         {@code password} (""), {@code database} (dtable_db)
 * @param privateKey       {@code private_key} (required)
 * @param dtableServerProxy {@code dtable_server_proxy} (default {@code http://127.0.0.1:5550/}), ending with {@code /}
 * @param listenPort       {@code listen_port} (4000)
 * @param maxCachedRows    {@code max_cached_rows} (2,000,000): rows kept in memory over all cached bases (LRU)
 * @param cluster          the {@code cluster_config} object
 */
public record SlaveConfig(MysqlSettings mysql, String privateKey, String dtableServerProxy, int listenPort,
                          long maxCachedRows, Cluster cluster) {

    public static final String FILE_NAME = "dtable_server_slave_config.json";

    /**
     * @param etcd         {@code etcd_host_list} (required) and {@code etcd_prefix}
     * @param nodeId       {@code node_id} (default {@code dtable-server-slave}): the key under {@code slaves/}
     * @param localNodeUrl {@code local_node_url} (default {@code http://127.0.0.1:<listen_port>/})
     */
    public record Cluster(EtcdSettings etcd, String nodeId, String localNodeUrl) {
    }

    public SlaveConfig {
        Objects.requireNonNull(mysql, "mysql");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(dtableServerProxy, "dtableServerProxy");
        Objects.requireNonNull(cluster, "cluster");
    }

    /** Loads {@code $DTABLE_CONF_DIR/dtable_server_slave_config.json} with the process environment. */
    public static SlaveConfig load() {
        return ConfigFile.loadFromEnvironment(SlaveConfig::load);
    }

    /** @throws ConfigException naming the first wrong or missing key */
    public static SlaveConfig load(Path confDir, Map<String, String> env) {
        ConfigFile file = ConfigFile.read(confDir, FILE_NAME, env);
        MysqlSettings mysql = MysqlSettings.read(file);
        String privateKey = file.requiredPrivateKey("private_key");
        String proxy = file.optionalUrl("dtable_server_proxy").orElse("http://127.0.0.1:5550/");
        int listenPort = file.integer("listen_port", 4000, 1, 65535);
        long maxCachedRows = file.longValue("max_cached_rows", 2_000_000, 1, Long.MAX_VALUE);
        EtcdSettings etcd = EtcdSettings.read(file);
        String nodeId = file.id("cluster_config.node_id", "dtable-server-slave");
        String localNodeUrl = file.optionalUrl("cluster_config.local_node_url")
                .orElse("http://127.0.0.1:" + listenPort + "/");
        return new SlaveConfig(mysql, privateKey, proxy, listenPort, maxCachedRows,
                new Cluster(etcd, nodeId, localNodeUrl));
    }

    /** Hides {@code private_key} and the MySQL password. */
    @Override
    public String toString() {
        return "SlaveConfig[mysql=" + mysql + ", privateKey=***, dtableServerProxy=" + dtableServerProxy
                + ", listenPort=" + listenPort + ", maxCachedRows=" + maxCachedRows + ", cluster=" + cluster + "]";
    }
}
