package dtable.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

    private static final String FILE = "some_config.json";

    @TempDir
    Path dir;

    @Test
    void readsJavaStyleCommentsAndTrailingCommas() throws IOException {
        ConfigFile file = write("""
                // a line comment
                {
                  "name": "x", // after a value
                  /* a block
                     comment */
                  "count": 3,
                  "list": ["a", "b",],
                }
                """, Map.of());

        assertThat(file.requiredString("name")).isEqualTo("x");
        assertThat(file.integer("count", 0, 0, 10)).isEqualTo(3);
        assertThat(file.requiredList("list")).containsExactly("a", "b");
    }

    @Test
    void envNameRule() {
        assertThat(ConfigFile.envName("listen_port")).isEqualTo("DTABLE_LISTEN_PORT");
        assertThat(ConfigFile.envName("cluster_config.etcd_host_list")).isEqualTo("DTABLE_CLUSTER_CONFIG_ETCD_HOST_LIST");
    }

    @Test
    void environmentWinsAndIsParsedForTheKeysType() throws IOException {
        ConfigFile file = write("""
                {"count": 3, "flag": false, "name": "file", "cluster_config": {"hosts": ["a:1"]}}
                """, Map.of("DTABLE_COUNT", "7", "DTABLE_FLAG", "yes", "DTABLE_NAME", "env",
                "DTABLE_CLUSTER_CONFIG_HOSTS", "h1:2379, h2:2379"));

        assertThat(file.integer("count", 0, 0, 10)).isEqualTo(7);
        assertThat(file.bool("flag", false)).isTrue();
        assertThat(file.requiredString("name")).isEqualTo("env");
        assertThat(file.requiredHostList("cluster_config.hosts")).containsExactly("h1:2379", "h2:2379");
    }

    @Test
    void emptyEnvironmentVariableClearsTheKey() throws IOException {
        ConfigFile file = write("{\"count\": 3, \"url\": \"http://x/\"}", Map.of("DTABLE_COUNT", "", "DTABLE_URL", ""));

        assertThat(file.integer("count", 42, 0, 100)).isEqualTo(42);
        assertThat(file.optionalUrl("url")).isEmpty();
    }

    @Test
    void wrongEnvironmentValueNamesTheVariable() throws IOException {
        ConfigFile file = write("{}", Map.of("DTABLE_COUNT", "many"));

        assertThatThrownBy(() -> file.integer("count", 1, 0, 10))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config error: " + dir.resolve(FILE) + ": count (from DTABLE_COUNT) must be an integer, got \"many\"");
    }

    @Test
    void invalidJsonIsOneLineWithThePosition() throws IOException {
        Files.writeString(dir.resolve(FILE), "{\n  \"a\": 1\n  \"b\": 2\n}");

        assertThatThrownBy(() -> ConfigFile.read(dir, FILE, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config error: " + dir.resolve(FILE) + ": invalid JSON at line 3")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void topLevelMustBeAnObject() throws IOException {
        Files.writeString(dir.resolve(FILE), "[1, 2]");

        assertThatThrownBy(() -> ConfigFile.read(dir, FILE, Map.of()))
                .hasMessage("config error: " + dir.resolve(FILE) + ": must contain a JSON object");
    }

    @Test
    void missingFileReadsAsEmptyAndSaysSoWhenAKeyIsRequired() {
        ConfigFile file = ConfigFile.read(dir, "absent.json", Map.of());

        assertThat(file.integer("count", 5, 0, 10)).isEqualTo(5);
        assertThatThrownBy(() -> file.requiredString("cluster_config.node_id"))
                .hasMessage("config error: " + dir.resolve("absent.json") + ": cluster_config.node_id is missing"
                        + " (set it in the file or in DTABLE_CLUSTER_CONFIG_NODE_ID; the file does not exist)");
    }

    @Test
    void typeErrorsNameTheKey() throws IOException {
        ConfigFile file = write("""
                {"n": "12", "f": 1.5, "b": "true", "s": 5, "l": "a,b", "big": 99999999999, "cluster_config": 3}
                """, Map.of());

        assertThatThrownBy(() -> file.integer("n", 0, 0, 100)).hasMessageEndingWith(": n must be an integer, got string \"12\"");
        assertThatThrownBy(() -> file.integer("f", 0, 0, 100)).hasMessageEndingWith(": f must be an integer, got number 1.5");
        assertThatThrownBy(() -> file.bool("b", false)).hasMessageEndingWith(": b must be true or false, got string \"true\"");
        assertThatThrownBy(() -> file.requiredString("s")).hasMessageEndingWith(": s must be a string, got number 5");
        assertThatThrownBy(() -> file.requiredList("l")).hasMessageEndingWith(": l must be a list of strings, got string \"a,b\"");
        assertThatThrownBy(() -> file.integer("big", 0, 0, Integer.MAX_VALUE))
                .hasMessageEndingWith(": big must be between 0 and 2147483647, got 99999999999");
        assertThatThrownBy(() -> file.requiredString("cluster_config.node_id"))
                .hasMessageEndingWith(": cluster_config must be an object, got number 3");
    }

    @Test
    void urlsAreCheckedAndEndWithASlash() throws IOException {
        ConfigFile file = write("{\"good\": \"http://127.0.0.1:5000\", \"bad\": \"127.0.0.1:5000\", \"ftp\": \"ftp://h/\"}", Map.of());

        assertThat(file.requiredUrl("good")).isEqualTo("http://127.0.0.1:5000/");
        assertThatThrownBy(() -> file.requiredUrl("bad")).hasMessageContaining("bad must be an http:// or https:// URL");
        assertThatThrownBy(() -> file.optionalUrl("ftp")).hasMessageContaining("ftp must be an http:// or https:// URL");
    }

    @Test
    void hostListEntriesAreHostPortOrUrls() throws IOException {
        ConfigFile file = write("{\"ok\": [\"etcd-1:2379\", \"http://10.0.0.2:2379\"], \"bad\": [\"etcd-1\"], \"empty\": []}", Map.of());

        assertThat(file.requiredHostList("ok")).containsExactly("etcd-1:2379", "http://10.0.0.2:2379");
        assertThatThrownBy(() -> file.requiredHostList("bad"))
                .hasMessageEndingWith(": bad entry \"etcd-1\" must be host:port or http://host:port");
        assertThatThrownBy(() -> file.requiredHostList("empty"))
                .hasMessageEndingWith(": empty must be a non-empty list without empty entries");
    }

    @Test
    void idsMustBeKeySafe() throws IOException {
        ConfigFile file = write("{\"id\": \"node/1\"}", Map.of());

        assertThatThrownBy(() -> file.requiredId("id")).hasMessageContaining("id must be letters, digits");
        assertThat(file.id("other", "fallback")).isEqualTo("fallback");
    }

    @Test
    void confDirComesFromTheEnvironment() {
        assertThat(ConfigFile.confDir(Map.of())).isEqualTo(Path.of("conf"));
        assertThat(ConfigFile.confDir(Map.of("DTABLE_CONF_DIR", "/etc/dtable"))).isEqualTo(Path.of("/etc/dtable"));
    }

    private ConfigFile write(String json, Map<String, String> env) throws IOException {
        Files.writeString(dir.resolve(FILE), json);
        return ConfigFile.read(dir, FILE, env);
    }
}
