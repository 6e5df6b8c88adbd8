package dtable.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ServerConfigTest {

    /** The smallest valid file, in SeaTable's style with comments. */
    private static final String MINIMAL = """
            {
              "user": "dtable", /* MySQL */ "password": "secret",
              "private_key": "test-key-0123456789abcdef0123456789abcdef",
              "cluster_config": {
                // three etcd members
                "etcd_host_list": ["etcd-1:2379", "etcd-2:2379", "etcd-3:2379"],
                "node_id": "dtable-server-01",
                "node_url": "https://dtable-server-01.example.com"
              }
            }
            """;

    @RegisterExtension
    final ServiceConfigFile<ServerConfig> file = new ServiceConfigFile<>(ServerConfig.FILE_NAME, ServerConfig::load);

    @Test
    void minimalFileGetsTheDefaults() throws IOException {
        ServerConfig config = file.load(MINIMAL, Map.of());

        assertThat(config.mysql()).isEqualTo(new MysqlSettings("127.0.0.1", 3306, "dtable", "secret", "dtable_db"));
        assertThat(config.mysql().jdbcUrl()).isEqualTo("jdbc:mysql://127.0.0.1:3306/dtable_db");
        assertThat(config.privateKey()).isEqualTo("test-key-0123456789abcdef0123456789abcdef");
        assertThat(config.listenHost()).isEqualTo("0.0.0.0");
        assertThat(config.listenPort()).isEqualTo(5000);
        assertThat(config.writePort()).isZero();
        assertThat(config.cluster().localWriteUrl()).isNull();
        assertThat(config.workerThreadsRowsLimit()).isEqualTo(50_000);
        assertThat(config.dtableServerSlaveUrl()).isEmpty();
        assertThat(config.saveInterval()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.snapshotEveryOps()).isEqualTo(1000);
        assertThat(config.operationLogRetention()).isEqualTo(Duration.ofDays(14));
        assertThat(config.idleUnload()).isEqualTo(Duration.ofSeconds(1800));
        assertThat(config.maxLoadedRows()).isEqualTo(5_000_000);
        assertThat(config.rowsApiMaxLimit()).isEqualTo(1000);
        assertThat(config.batchMaxRows()).isEqualTo(1000);
        assertThat(config.batchDeleteMaxRows()).isEqualTo(10_000);
        assertThat(config.baseWritableLimit()).isEqualTo(1_000_000);
        assertThat(config.maxRequestBytes()).isEqualTo(16L * 1024 * 1024);
        assertThat(config.groupCommitLinger()).isZero();
        assertThat(config.groupCommitMaxOps()).isEqualTo(256);
        assertThat(config.groupCommitWriters()).isEqualTo(1);

        ServerConfig.Cluster cluster = config.cluster();
        assertThat(cluster.etcd().hostList()).containsExactly("etcd-1:2379", "etcd-2:2379", "etcd-3:2379");
        assertThat(cluster.etcd().endpoints()).containsExactly("http://etcd-1:2379", "http://etcd-2:2379", "http://etcd-3:2379");
        assertThat(cluster.etcd().prefix()).isEqualTo("/dtable-cluster/");
        assertThat(cluster.nodeId()).isEqualTo("dtable-server-01");
        assertThat(cluster.nodeUrl()).isEqualTo("https://dtable-server-01.example.com/");
        assertThat(cluster.localNodeUrl()).isEqualTo(cluster.nodeUrl());
        assertThat(cluster.leaseTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(cluster.mysqlUnreachableRelease()).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void everyKeyIsRead() throws IOException {
        ServerConfig config = file.load("""
                {"host": "db", "port": 3307, "user": "u", "password": "p", "database": "other_db",
                 "private_key": "test-key-0123456789abcdef0123456789abcdef", "listen_host": "127.0.0.1", "listen_port": 5001,
                 "worker_threads_rows_limit": 10, "dtable_server_slave_url": "http://slave:4000",
                 "save_interval_seconds": 30, "snapshot_every_ops": 50, "operation_log_retention_days": 2,
                 "idle_unload_seconds": 60, "max_loaded_rows": 100, "rows_api_max_limit": 20, "batch_max_rows": 30,
                 "batch_delete_max_rows": 40, "base_writable_limit": 500, "max_request_bytes": 2048,
                 "group_commit_linger_ms": 3, "group_commit_max_ops": 8, "group_commit_writers": 4,
                 "cluster_config": {"etcd_host_list": ["e:1"], "etcd_prefix": "/other", "node_id": "n2",
                   "node_url": "http://public/", "local_node_url": "http://10.0.0.2:5001/", "lease_ttl_seconds": 3}}
                """, Map.of());

        ServerConfig.Cluster cluster = new ServerConfig.Cluster(new EtcdSettings(List.of("e:1"), "/other/"), "n2",
                "http://public/", "http://10.0.0.2:5001/", Duration.ofSeconds(3));
        assertThat(config).usingRecursiveComparison().isEqualTo(new ServerConfig(
                new MysqlSettings("db", 3307, "u", "p", "other_db"), "test-key-0123456789abcdef0123456789abcdef",
                "127.0.0.1", 5001, 0, 10, Optional.of("http://slave:4000/"), Duration.ofSeconds(30), 50,
                Duration.ofDays(2), Duration.ofSeconds(60), 100, 20, 30, 40, 500, 2048, Duration.ofMillis(3), 8, 4,
                cluster));
    }

    @Test
    void environmentOverridesTopLevelAndClusterKeys() throws IOException {
        ServerConfig config = file.load(MINIMAL, Map.of(
                "DTABLE_LISTEN_PORT", "5001",
                "DTABLE_PRIVATE_KEY", "from-env-0123456789abcdef0123456789abcdef",
                "DTABLE_CLUSTER_CONFIG_NODE_ID", "dtable-server-02",
                "DTABLE_CLUSTER_CONFIG_ETCD_HOST_LIST", "127.0.0.1:2379,127.0.0.1:22379",
                "DTABLE_CLUSTER_CONFIG_LEASE_TTL_SECONDS", "4",
                "DTABLE_CLUSTER_CONFIG_MYSQL_UNREACHABLE_RELEASE_SECONDS", "0"));

        assertThat(config.listenPort()).isEqualTo(5001);
        assertThat(config.privateKey()).isEqualTo("from-env-0123456789abcdef0123456789abcdef");
        assertThat(config.cluster().nodeId()).isEqualTo("dtable-server-02");
        assertThat(config.cluster().etcd().hostList()).containsExactly("127.0.0.1:2379", "127.0.0.1:22379");
        assertThat(config.cluster().leaseTtl()).isEqualTo(Duration.ofSeconds(4));
        assertThat(config.cluster().mysqlUnreachableRelease()).as("0 switches the release off").isZero();
    }

    @Test
    void environmentAloneIsEnoughWithoutAFile() {
        ServerConfig config = ServerConfig.load(file.dir(), Map.of(
                "DTABLE_USER", "dtable", "DTABLE_PRIVATE_KEY", "test-key-0123456789abcdef0123456789abcdef",
                "DTABLE_CLUSTER_CONFIG_ETCD_HOST_LIST", "e:2379",
                "DTABLE_CLUSTER_CONFIG_NODE_ID", "n1",
                "DTABLE_CLUSTER_CONFIG_NODE_URL", "http://127.0.0.1:5000/"));

        assertThat(config.cluster().nodeId()).isEqualTo("n1");
        assertThat(config.mysql().password()).isEmpty();
    }

    @Test
    void rangesAndUrlsAreValidated() throws IOException {
        assertThatThrownBy(() -> file.load(MINIMAL.replace("\"user\"", "\"port\": 70000, \"user\""), Map.of()))
                .hasMessageEndingWith(": port must be between 1 and 65535, got 70000");
        assertThatThrownBy(() -> file.load(MINIMAL, Map.of("DTABLE_SAVE_INTERVAL_SECONDS", "0")))
                .hasMessageEndingWith(": save_interval_seconds (from DTABLE_SAVE_INTERVAL_SECONDS) must be between 1 and 2147483647, got 0");
        assertThatThrownBy(() -> file.load(MINIMAL, Map.of("DTABLE_CLUSTER_CONFIG_NODE_URL", "dtable-server-01:5000")))
                .hasMessageContaining("cluster_config.node_url (from DTABLE_CLUSTER_CONFIG_NODE_URL) must be an http:// or https:// URL");
        assertThatThrownBy(() -> file.load(MINIMAL.replace("[\"etcd-1:2379\", \"etcd-2:2379\", \"etcd-3:2379\"]", "\"etcd-1:2379\""), Map.of()))
                .hasMessageEndingWith(": cluster_config.etcd_host_list must be a list of strings, got string \"etcd-1:2379\"");
        assertThatThrownBy(() -> file.load(MINIMAL, Map.of("DTABLE_GROUP_COMMIT_WRITERS", "9")))
                .hasMessageEndingWith(": group_commit_writers (from DTABLE_GROUP_COMMIT_WRITERS) must be between 1 and 8, got 9");
    }

    @Test
    void aWritePortIsRegisteredAtTheLocalNodeUrlsHostUnlessItsUrlIsGiven() throws IOException {
        String withPort = MINIMAL.replace("\"user\"", "\"write_port\": 5001, \"user\"");
        assertThat(file.load(withPort, Map.of()).cluster().localWriteUrl())
                .isEqualTo("https://dtable-server-01.example.com:5001/");
        assertThat(file.load(withPort, Map.of("DTABLE_CLUSTER_CONFIG_LOCAL_NODE_URL", "http://10.0.0.2:5000/base/"))
                .cluster().localWriteUrl()).isEqualTo("http://10.0.0.2:5001/");
        assertThat(file.load(withPort, Map.of("DTABLE_CLUSTER_CONFIG_LOCAL_NODE_URL", "http://[fd00::2]:5000/"))
                .cluster().localWriteUrl()).isEqualTo("http://[fd00::2]:5001/");
        assertThat(file.load(withPort, Map.of("DTABLE_CLUSTER_CONFIG_LOCAL_WRITE_URL", "http://writes:6000"))
                .cluster().localWriteUrl()).isEqualTo("http://writes:6000/");

        assertThatThrownBy(() -> file.load(MINIMAL, Map.of("DTABLE_CLUSTER_CONFIG_LOCAL_WRITE_URL", "http://writes:6000")))
                .hasMessageEndingWith(": cluster_config.local_write_url (from DTABLE_CLUSTER_CONFIG_LOCAL_WRITE_URL)"
                        + " needs write_port: this node has no write port");
        assertThatThrownBy(() -> file.load(MINIMAL, Map.of("DTABLE_WRITE_PORT", "5000")))
                .hasMessageEndingWith(": write_port (from DTABLE_WRITE_PORT) must differ from listen_port 5000");
    }

    @Test
    void toStringHidesSecrets() throws IOException {
        String text = file.load(MINIMAL.replace("\"private_key\": \"test-key-0123456789abcdef0123456789abcdef\"", "\"private_key\": \"very-secret-key-0123456789abcdef0123456789\""), Map.of()).toString();

        assertThat(text).doesNotContain("very-secret-key").doesNotContain("secret\"").contains("password=***");
    }

    @Test
    void exampleFileInTheRepositoryLoadsWithARealKey() {
        ServerConfig config = file.loadExample();

        assertThat(config.cluster().etcd().hostList()).isEqualTo(List.of("127.0.0.1:2379", "127.0.0.1:22379", "127.0.0.1:32379"));
        assertThat(config.mysql().port()).isEqualTo(3307);
    }
}
