package dtable.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every service refuses a short private_key and the placeholder of the example files, with one line naming the key. */
class PrivateKeyTest {

    private static final String SERVER = """
            {"user": "dtable", "private_key": "%s",
             "cluster_config": {"etcd_host_list": ["e:2379"], "node_id": "n1", "node_url": "http://n1:5000/"}}
            """;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {ServerConfig.FILE_NAME, MonitorConfig.FILE_NAME, SlaveConfig.FILE_NAME, ProxyConfig.FILE_NAME})
    void theExampleFilesPlaceholderIsRefusedByEveryService(String fileName) {
        assertThatThrownBy(() -> loader(fileName).apply(ExampleConf.dir(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(fileName)
                .hasMessageContaining("private_key is the placeholder of the example files")
                .hasMessageNotContaining(ConfigFile.PLACEHOLDER_PRIVATE_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {ServerConfig.FILE_NAME, MonitorConfig.FILE_NAME, SlaveConfig.FILE_NAME, ProxyConfig.FILE_NAME})
    void aShortKeyFromTheEnvironmentIsRefusedNamingTheVariable(String fileName) {
        assertThatThrownBy(() -> loader(fileName).apply(ExampleConf.dir(), Map.of("DTABLE_PRIVATE_KEY", "secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith(": private_key (from DTABLE_PRIVATE_KEY) must be at least 32 bytes, got 6"
                        + " (openssl rand -hex 32 makes one)")
                .hasMessageNotContaining("secret\"");
    }

    @Test
    void thirtyTwoBytesAreEnoughAndThirtyOneAreNot() throws IOException {
        String key31 = "0123456789abcdef0123456789abcde";
        Files.writeString(dir.resolve(ServerConfig.FILE_NAME), SERVER.formatted(key31));
        assertThatThrownBy(() -> ServerConfig.load(dir, Map.of()))
                .hasMessageEndingWith(": private_key must be at least 32 bytes, got 31 (openssl rand -hex 32 makes one)");

        Files.writeString(dir.resolve(ServerConfig.FILE_NAME), SERVER.formatted(key31 + "f"));
        assertThat(ServerConfig.load(dir, Map.of()).privateKey()).isEqualTo(key31 + "f");
    }

    @Test
    void bytesAreCountedNotCharacters() throws IOException {
        // 16 characters of 2 UTF-8 bytes each: 32 bytes
        String key = "ü".repeat(16);
        Files.writeString(dir.resolve(ServerConfig.FILE_NAME), SERVER.formatted(key));
        assertThat(ServerConfig.load(dir, Map.of()).privateKey()).isEqualTo(key);
    }

    @Test
    void theProxyMayRunWithoutAKey() {
        assertThat(ProxyConfig.load(dir, Map.of("DTABLE_CLUSTER_CONFIG_ETCD_HOST_LIST", "e:2379")).privateKey()).isEmpty();
    }

    private static BiFunction<Path, Map<String, String>, Object> loader(String fileName) {
        return switch (fileName) {
            case ServerConfig.FILE_NAME -> ServerConfig::load;
            case MonitorConfig.FILE_NAME -> MonitorConfig::load;
            case SlaveConfig.FILE_NAME -> SlaveConfig::load;
            case ProxyConfig.FILE_NAME -> ProxyConfig::load;
            default -> throw new IllegalArgumentException(fileName);
        };
    }
}
