package dtable.slave;

import dtable.core.config.ConfigException;
import dtable.core.config.SlaveConfig;
import dtable.web.ServiceStart;
import dtable.web.WebConfiguration;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * The dtable-server-slave (SPEC §11): read-only copies of large bases, built from MySQL (snapshot +
 * {@code operation_log}) and kept fresh from the log, serving the dtable-server's read endpoints.
 * Reads {@code $DTABLE_CONF_DIR/dtable_server_slave_config.json}; a bad setting prints one line naming
 * the key and exits with status {@link ConfigException#EXIT_STATUS} (78).
 */
@SpringBootApplication
@Import(WebConfiguration.class)
public class SlaveApplication {

    public static void main(String[] args) {
        start(ConfigException.orExit(SlaveConfig::load), args);
    }

    /**
     * Starts a slave with the given settings (tests run slaves in-process with it). {@code listen_port}
     * and the MySQL keys are defaults: command-line {@code --server.port} / {@code --spring.datasource.*} win.
     */
    public static ConfigurableApplicationContext start(SlaveConfig config, String... args) {
        return ServiceStart.run(SlaveApplication.class,
                ServiceStart.defaults("dtable-server-slave-" + config.cluster().nodeId(), config.listenPort(), config.mysql()),
                Map.of("slaveConfig", config), args);
    }
}
