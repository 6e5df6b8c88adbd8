package dtable.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SlaveConfigTest {

    /** The slave file as SeaTable documents it (MySQL, key, proxy), plus the etcd hosts. */
    private static final String SEATABLE_STYLE = """
            {
                "host": "mysql-host",
                "user": "dtable",
                "password": "pw",
                "database": "dtable_db",
                "port": 3306,
                "private_key": "test-key-0123456789abcdef0123456789abcdef",
                "dtable_web_service_url": "https://cloud.example.com/",  // not used here, ignored
                "dtable_server_proxy": "http://dtable-server-proxy.example.com:5550/",
                "cluster_config": {"etcd_host_list": ["etcd-01:2379"]}
            }
            """;

    @RegisterExtension
    final ServiceConfigFile<SlaveConfig> file = new ServiceConfigFile<>(SlaveConfig.FILE_NAME, SlaveConfig::load);

    @Test
    void seaTableStyleFileGetsTheDefaults() throws IOException {
        SlaveConfig config = file.load(SEATABLE_STYLE, Map.of());

        SlaveConfig.Cluster cluster = new SlaveConfig.Cluster(new EtcdSettings(List.of("etcd-01:2379"), "/dtable-cluster/"),
                "dtable-server-slave", "http://127.0.0.1:4000/");
        assertThat(config).usingRecursiveComparison().isEqualTo(new SlaveConfig(
                new MysqlSettings("mysql-host", 3306, "dtable", "pw", "dtable_db"), "test-key-0123456789abcdef0123456789abcdef",
                "http://dtable-server-proxy.example.com:5550/", 4000, 2_000_000, cluster));
        assertThat(config.cluster().etcd().endpoints()).containsExactly("http://etcd-01:2379");
    }

    @Test
    void environmentOverrides() throws IOException {
        SlaveConfig config = file.load(SEATABLE_STYLE, Map.of("DTABLE_PORT", "3307", "DTABLE_MAX_CACHED_ROWS", "10",
                "DTABLE_LISTEN_PORT", "14000", "DTABLE_CLUSTER_CONFIG_NODE_ID", "slave-2"));

        assertThat(config.mysql().port()).isEqualTo(3307);
        assertThat(config.maxCachedRows()).isEqualTo(10);
        assertThat(config.cluster().nodeId()).isEqualTo("slave-2");
        assertThat(config.cluster().localNodeUrl()).isEqualTo("http://127.0.0.1:14000/");
    }

    @Test
    void exampleFileInTheRepositoryLoadsWithARealKey() {
        assertThat(file.loadExample().listenPort()).isEqualTo(4000);
    }
}
