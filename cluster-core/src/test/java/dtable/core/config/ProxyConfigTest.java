package dtable.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProxyConfigTest {

    /** SeaTable's own proxy file: nothing but the etcd hosts, with its trailing comment. */
    private static final String SEATABLE_STYLE = """
            {
              "cluster_config": {
                "etcd_host_list": ["etcd-01.example.com:2379", "etcd-02.example.com:2379"]  // domain of etcd servers
              }
            }
            """;

    @RegisterExtension
    final ServiceConfigFile<ProxyConfig> file = new ServiceConfigFile<>(ProxyConfig.FILE_NAME, ProxyConfig::load);

    @Test
    void seaTableStyleFileGetsTheDefaults() throws IOException {
        ProxyConfig config = file.load(SEATABLE_STYLE, Map.of());

        assertThat(config.listenPort()).isEqualTo(5550);
        assertThat(config.privateKey()).isEmpty();
        assertThat(config.retryBudget()).isEqualTo(Duration.ofMillis(15_000));
        assertThat(config.dtableServerSlaveUrl()).isEmpty();
        assertThat(config.etcd().hostList()).containsExactly("etcd-01.example.com:2379", "etcd-02.example.com:2379");
        assertThat(config.etcd().prefix()).isEqualTo("/dtable-cluster/");
        assertThat(config.mysql()).isEmpty();
    }

    @Test
    void mysqlSettingsAsInTheServerFileWithEnvironmentOverrides() throws IOException {
        String withMysql = SEATABLE_STYLE.replace("{\n  \"cluster_config\"",
                "{\n  \"host\": \"db\", \"user\": \"dtable\", \"password\": \"pw\", \"cluster_config\"");
        ProxyConfig config = file.load(withMysql, Map.of("DTABLE_PORT", "3307", "DTABLE_DATABASE", "tokens_db"));

        MysqlSettings mysql = config.mysql().orElseThrow();
        assertThat(mysql.host()).isEqualTo("db");
        assertThat(mysql.port()).isEqualTo(3307);
        assertThat(mysql.user()).isEqualTo("dtable");
        assertThat(mysql.password()).isEqualTo("pw");
        assertThat(mysql.database()).isEqualTo("tokens_db");
        assertThat(config.toString()).doesNotContain("pw");
    }

    @Test
    void mysqlUserFromTheEnvironmentAlone() throws IOException {
        ProxyConfig config = file.load(SEATABLE_STYLE, Map.of("DTABLE_USER", "dtable"));

        assertThat(config.mysql().orElseThrow().jdbcUrl()).isEqualTo("jdbc:mysql://127.0.0.1:3306/dtable_db");
    }

    @Test
    void environmentOverrides() throws IOException {
        ProxyConfig config = file.load(SEATABLE_STYLE, Map.of("DTABLE_LISTEN_PORT", "15550", "DTABLE_RETRY_BUDGET_MS", "500",
                "DTABLE_PRIVATE_KEY", "test-key-0123456789abcdef0123456789abcdef", "DTABLE_CLUSTER_CONFIG_ETCD_PREFIX", "/test-1/"));

        assertThat(config.listenPort()).isEqualTo(15550);
        assertThat(config.retryBudget()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.privateKey()).contains("test-key-0123456789abcdef0123456789abcdef");
        assertThat(config.etcd().keys().nodesPrefix()).isEqualTo("/test-1/nodes/");
    }

    @Test
    void exampleFileInTheRepositoryLoadsWithARealKey() {
        assertThat(file.loadExample().listenPort()).isEqualTo(5550);
    }
}
