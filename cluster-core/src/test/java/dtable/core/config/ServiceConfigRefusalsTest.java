package dtable.core.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every service's file: a missing or wrongly typed key stops start-up with one line naming the key and the
 * file. Each row is a file that is fine but for that key.
 */
class ServiceConfigRefusalsTest {

    private static final Map<String, BiFunction<Path, Map<String, String>, ?>> LOADERS = Map.of(
            ServerConfig.FILE_NAME, ServerConfig::load,
            SlaveConfig.FILE_NAME, SlaveConfig::load,
            ProxyConfig.FILE_NAME, ProxyConfig::load,
            MonitorConfig.FILE_NAME, MonitorConfig::load);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            dtable_server_config.json       | {"user": "dtable", "private_key": "test-key-0123456789abcdef0123456789abcdef", "cluster_config": {"etcd_host_list": ["etcd-1:2379"], "node_url": "http://n1/"}}                     | cluster_config.node_id is missing (set it in the file or in DTABLE_CLUSTER_CONFIG_NODE_ID)
            dtable_server_config.json       | {"user": "dtable", "cluster_config": {"etcd_host_list": ["etcd-1:2379"], "node_id": "n1", "node_url": "http://n1/"}}                                                           | private_key is missing (set it in the file or in DTABLE_PRIVATE_KEY)
            dtable_server_config.json       | {"user": "dtable", "private_key": "test-key-0123456789abcdef0123456789abcdef", "listen_port": "five", "cluster_config": {"etcd_host_list": ["etcd-1:2379"], "node_id": "n1", "node_url": "http://n1/"}} | listen_port must be an integer, got string "five"
            dtable_server_slave_config.json | {"port": 3306, "private_key": "test-key-0123456789abcdef0123456789abcdef", "cluster_config": {"etcd_host_list": ["etcd-01:2379"]}}                                           | user is missing (set it in the file or in DTABLE_USER)
            dtable_server_slave_config.json | {"user": "dtable", "port": "3306", "private_key": "test-key-0123456789abcdef0123456789abcdef", "cluster_config": {"etcd_host_list": ["etcd-01:2379"]}}                       | port must be an integer, got string "3306"
            dtable_server_proxy_config.json | {"listen_port": 5550}                                                                                                                                                        | cluster_config.etcd_host_list is missing (set it in the file or in DTABLE_CLUSTER_CONFIG_ETCD_HOST_LIST)
            dtable_server_proxy_config.json | {"retry_budget_ms": true, "cluster_config": {"etcd_host_list": ["etcd-01:2379"]}}                                                                                            | retry_budget_ms must be an integer, got boolean true
            cluster_monitor_config.json     | {"cluster_config": {"etcd_host_list": ["127.0.0.1:2379"]}}                                                                                                                   | private_key is missing (set it in the file or in DTABLE_PRIVATE_KEY)
            cluster_monitor_config.json     | {"private_key": "test-key-0123456789abcdef0123456789abcdef", "cluster_config": {"etcd_host_list": ["127.0.0.1:2379"]}}                                                      | user is missing (set it in the file or in DTABLE_USER)
            cluster_monitor_config.json     | {"auto_rebalance": "no", "private_key": "test-key-0123456789abcdef0123456789abcdef", "user": "dtable", "cluster_config": {"etcd_host_list": ["127.0.0.1:2379"]}}            | auto_rebalance must be true or false, got string "no"
            """)
    void aBadKeyIsRefusedWithOneLineNamingKeyAndFile(String fileName, String json, String message) {
        new ServiceConfigFile<>(fileName, LOADERS.get(fileName), dir).assertRefused(json, Map.of(), message);
    }
}
