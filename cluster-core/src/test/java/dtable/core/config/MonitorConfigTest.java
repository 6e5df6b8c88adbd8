package dtable.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MonitorConfigTest {

    private static final String MINIMAL = """
            /* the monitor needs the key for its admin endpoints */
            {"private_key": "test-key-0123456789abcdef0123456789abcdef", "user": "dtable", "cluster_config": {"etcd_host_list": ["127.0.0.1:2379"]}}
            """;

    @RegisterExtension
    final ServiceConfigFile<MonitorConfig> file = new ServiceConfigFile<>(MonitorConfig.FILE_NAME, MonitorConfig::load);

    @Test
    void minimalFileGetsTheDefaults() throws IOException {
        MonitorConfig config = file.load(MINIMAL, Map.of("HOSTNAME", "box1"));

        assertThat(config.listenPort()).isEqualTo(5555);
        assertThat(config.privateKey()).isEqualTo("test-key-0123456789abcdef0123456789abcdef");
        assertThat(config.checkInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.autoRebalance()).isFalse();
        assertThat(config.maxMovesPerRebalance()).isZero();
        assertThat(config.limitsMoves()).isFalse();
        assertThat(config.cluster().monitorId()).isEqualTo("box1-5555");
        assertThat(config.cluster().monitorUrl()).isEqualTo("http://127.0.0.1:5555/");
        assertThat(config.cluster().electionLeaseTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.fastFailover()).isEqualTo(new MonitorConfig.FastFailover(true, Duration.ofMillis(300)));
    }

    @Test
    void fastFailoverCanBeSwitchedOffAndItsProbeIntervalSet() throws IOException {
        MonitorConfig config = file.load(MINIMAL.replace("{\"private_key\"",
                "{\"fast_failover\": false, \"fast_failover_probe_interval_ms\": 500, \"private_key\""), Map.of());

        assertThat(config.fastFailover()).isEqualTo(new MonitorConfig.FastFailover(false, Duration.ofMillis(500)));
        assertThat(file.load(MINIMAL, Map.of("DTABLE_FAST_FAILOVER", "false")).fastFailover().enabled()).isFalse();
    }

    @Test
    void probeIntervalOutOfRangeIsOneLine() throws IOException {
        assertThatThrownBy(() -> file.load(MINIMAL, Map.of("DTABLE_FAST_FAILOVER_PROBE_INTERVAL_MS", "20")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("fast_failover_probe_interval_ms");
    }

    @Test
    void defaultsFollowAnOverriddenPort() throws IOException {
        MonitorConfig config = file.load(MINIMAL, Map.of("HOSTNAME", "box1", "DTABLE_LISTEN_PORT", "15555",
                "DTABLE_AUTO_REBALANCE", "true", "DTABLE_MAX_MOVES_PER_REBALANCE", "16"));

        assertThat(config.cluster().monitorId()).isEqualTo("box1-15555");
        assertThat(config.cluster().monitorUrl()).isEqualTo("http://127.0.0.1:15555/");
        assertThat(config.autoRebalance()).isTrue();
        assertThat(config.maxMovesPerRebalance()).isEqualTo(16);
        assertThat(config.limitsMoves()).isTrue();
    }

    @Test
    void exampleFileInTheRepositoryLoadsWithARealKey() {
        assertThat(file.loadExample().cluster().monitorId()).isEqualTo("monitor-1");
    }

    @Test
    void mysqlKeysAreReadLikeTheServersAndOverridable() throws IOException {
        assertThat(file.load(MINIMAL, Map.of()).mysql()).isEqualTo(new MysqlSettings("127.0.0.1", 3306, "dtable", "", "dtable_db"));
        MonitorConfig config = file.load(MINIMAL, Map.of("DTABLE_HOST", "db.internal", "DTABLE_PORT", "3307",
                "DTABLE_PASSWORD", "secret", "DTABLE_DATABASE", "dtable_db2"));

        assertThat(config.mysql()).isEqualTo(new MysqlSettings("db.internal", 3307, "dtable", "secret", "dtable_db2"));
        assertThat(config.toString()).doesNotContain("secret");
    }
}
