package dtable.server;

import dtable.core.config.ConfigException;
import dtable.core.config.ServerConfig;
import dtable.server.socket.ContainerBuffers;
import dtable.web.ServiceStart;
import dtable.web.WebConfiguration;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * A dtable-server node: bases in memory, the durable fenced write path, the REST API and the
 * real-time socket. Reads {@code $DTABLE_CONF_DIR/dtable_server_config.json}; a bad setting stops
 * start-up with one line naming the key and exit status {@link ConfigException#EXIT_STATUS}.
 */
@SpringBootApplication
@Import(WebConfiguration.class)
public class DtableServerApplication {

    public static void main(String[] args) {
        start(ConfigException.orExit(ServerConfig::load), args);
    }

    /** Starts a node with the given settings (also used by tests to run nodes in-process). */
    public static ConfigurableApplicationContext start(ServerConfig config, String... args) {
        ContainerBuffers.apply();
        Map<String, Object> defaults =
                ServiceStart.defaults("dtable-server-" + config.cluster().nodeId(), config.listenPort(), config.mysql());
        defaults.put("server.address", config.listenHost());
        return ServiceStart.run(DtableServerApplication.class, defaults, Map.of("serverConfig", config), args);
    }
}
