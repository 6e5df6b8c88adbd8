package dtable.server;

import dtable.core.config.ConfigException;
import dtable.core.config.ServerConfig;
import dtable.server.socket.ContainerBuffers;
import dtable.web.WebConfiguration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
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
        SpringApplication app = new SpringApplication(DtableServerApplication.class);
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("server.port", config.listenPort());
        defaults.put("server.address", config.listenHost());
        defaults.put("spring.datasource.url", config.mysql().jdbcUrl());
        defaults.put("spring.datasource.username", config.mysql().user());
        defaults.put("spring.datasource.password", config.mysql().password());
        defaults.put("spring.application.name", "dtable-server-" + config.cluster().nodeId());
        app.setDefaultProperties(defaults);
        app.addInitializers(context -> context.getBeanFactory().registerSingleton("serverConfig", config));
        return app.run(args);
    }
}
