package dtable.web;

import dtable.core.config.MysqlSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts a servlet service (dtable-server, dtable-server-slave, cluster-monitor) from its already loaded
 * config file: the file's settings become Spring's <em>default</em> properties, so a command-line
 * {@code --server.port} or {@code --spring.datasource.*} still wins (tests run services in-process with
 * {@code --server.port=0}), and the config objects become singletons before any bean is built.
 */
public final class ServiceStart {

    private ServiceStart() {
    }

    /**
     * The defaults every service sets: its port and its name in logs and metrics, then, when
     * {@code mysql} is given, Spring's datasource (url, user, password) from it.
     */
    public static Map<String, Object> defaults(String applicationName, int listenPort, MysqlSettings mysql) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("server.port", listenPort);
        defaults.put("spring.application.name", applicationName);
        if (mysql != null) {
            defaults.put("spring.datasource.url", mysql.jdbcUrl());
            defaults.put("spring.datasource.username", mysql.user());
            defaults.put("spring.datasource.password", mysql.password());
        }
        return defaults;
    }

    /** Runs {@code application} with these default properties and these singletons (bean name → object). */
    public static ConfigurableApplicationContext run(Class<?> application, Map<String, Object> defaults,
            Map<String, Object> singletons, String... args) {
        SpringApplication app = new SpringApplication(application);
        app.setDefaultProperties(defaults);
        app.addInitializers(context -> singletons.forEach(context.getBeanFactory()::registerSingleton));
        return app.run(args);
    }
}
