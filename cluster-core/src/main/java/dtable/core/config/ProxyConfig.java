package dtable.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The dtable-server-proxy's settings, from {@code dtable_server_proxy_config.json} (see {@link ConfigFile}).
 *
 * @param listenPort           {@code listen_port} (5550)
 * @param privateKey           {@code private_key} (none): only needed to check tokens on the proxy's admin endpoints
 * @param retryBudget          {@code retry_budget_ms} (15000): how long one request may be retried during a move
 * @param dtableServerSlaveUrl {@code dtable_server_slave_url} (none), ending with {@code /}
 * @param etcd                 {@code cluster_config.etcd_host_list} (required) and {@code cluster_config.etcd_prefix}
 * @param mysql                top-level {@code host, port, user, password, database} as in
 *                             {@code dtable_server_config.json}; present when {@code user} is set. The proxy
 *                             keeps API tokens there (SPEC §9); without it the API-token endpoints answer 503.
 */
public record ProxyConfig(int listenPort, Optional<String> privateKey, Duration retryBudget,
                          Optional<String> dtableServerSlaveUrl, EtcdSettings etcd, Optional<MysqlSettings> mysql) {

    public static final String FILE_NAME = "dtable_server_proxy_config.json";

    public ProxyConfig {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(dtableServerSlaveUrl, "dtableServerSlaveUrl");
        Objects.requireNonNull(etcd, "etcd");
        Objects.requireNonNull(mysql, "mysql");
    }

    /** A proxy without MySQL (no API tokens). */
    public ProxyConfig(int listenPort, Optional<String> privateKey, Duration retryBudget,
                       Optional<String> dtableServerSlaveUrl, EtcdSettings etcd) {
        this(listenPort, privateKey, retryBudget, dtableServerSlaveUrl, etcd, Optional.empty());
    }

    /** Loads {@code $DTABLE_CONF_DIR/dtable_server_proxy_config.json} with the process environment. */
    public static ProxyConfig load() {
        return ConfigFile.loadFromEnvironment(ProxyConfig::load);
    }

    /** @throws ConfigException naming the first wrong or missing key */
    public static ProxyConfig load(Path confDir, Map<String, String> env) {
        ConfigFile file = ConfigFile.read(confDir, FILE_NAME, env);
        int listenPort = file.integer("listen_port", 5550, 1, 65535);
        Optional<String> privateKey = file.optionalPrivateKey("private_key");
        Duration retryBudget = Duration.ofMillis(file.integer("retry_budget_ms", 15_000, 0, 600_000));
        Optional<String> slaveUrl = file.optionalUrl("dtable_server_slave_url");
        Optional<MysqlSettings> mysql = file.isSet("user") ? Optional.of(MysqlSettings.read(file)) : Optional.empty();
        return new ProxyConfig(listenPort, privateKey, retryBudget, slaveUrl, EtcdSettings.read(file), mysql);
    }

    /** Hides {@code private_key}. */
    @Override
    public String toString() {
        return "ProxyConfig[listenPort=" + listenPort + ", privateKey=" + (privateKey.isPresent() ? "***" : "none")
                + ", retryBudget=" + retryBudget + ", dtableServerSlaveUrl=" + dtableServerSlaveUrl.orElse("none")
                + ", etcd=" + etcd + ", mysql=" + mysql.map(MysqlSettings::toString).orElse("none") + "]";
    }
}
