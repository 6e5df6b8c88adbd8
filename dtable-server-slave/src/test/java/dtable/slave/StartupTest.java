package dtable.slave;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A wrong configuration stops the slave before Spring starts: one line naming the key, exit status 78 (EX_CONFIG). */
class StartupTest {

    @Test
    void aMissingRequiredKeyPrintsOneLineAndExitsWithTwo(@TempDir Path conf) throws Exception {
        Files.writeString(conf.resolve("dtable_server_slave_config.json"), """
                { "host": "127.0.0.1", "private_key": "test-key-0123456789abcdef0123456789abcdef", "cluster_config": {"etcd_host_list": ["127.0.0.1:2379"]} }
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SlaveApplication.class.getName());
        builder.environment().put("DTABLE_CONF_DIR", conf.toString());
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(ConfigException.EXIT_STATUS).isEqualTo(78);
        assertThat(output.lines()).hasSize(1);
        assertThat(output).startsWith("config error: ").contains("dtable_server_slave_config.json").contains("user");
    }
}
