package dtable.proxy;

import dtable.core.config.ConfigException;
import dtable.core.config.ProxyConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.netty.ReactorNetty;

/**
 * The dtable-server-proxy (SPEC §9): routes every base request to the node owning its bucket, over
 * Reactor Netty. Reads {@code $DTABLE_CONF_DIR/dtable_server_proxy_config.json} before Spring starts;
 * a bad setting prints one line naming the key and exits with {@link ConfigException#EXIT_STATUS} (78).
 */
@SpringBootApplication
@EnableConfigurationProperties(ProxySettings.class)
public class ProxyApplication {

    public static void main(String[] args) {
        start(ConfigException.orExit(ProxyConfig::load), args);
    }

    /**
     * Starts a proxy with already loaded settings (tests run it in-process with {@code --server.port=0};
     * the bound port is then the context's {@code local.server.port} property). {@code listen_port} is
     * only the default of {@code server.port}, so a command-line {@code --server.port} wins; tuning
     * goes in {@code --dtable.proxy.*} ({@link ProxySettings}).
     */
    public static ConfigurableApplicationContext start(ProxyConfig config, String... args) {
        oneEventLoopPerCore();
        SpringApplication app = new SpringApplication(ProxyApplication.class);
        app.setWebApplicationType(WebApplicationType.REACTIVE);
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("server.port", config.listenPort());
        defaults.put("server.shutdown", "graceful");
        defaults.put("spring.lifecycle.timeout-per-shutdown-phase", "20s");
        defaults.put("spring.application.name", "dtable-server-proxy");
        defaults.put("management.endpoints.web.exposure.include", "health,info,prometheus");
        defaults.put("management.endpoint.health.show-details", "always");
        app.setDefaultProperties(defaults);
        app.addInitializers(context -> context.getBeanFactory().registerSingleton("proxyConfig", config));
        return app.run(args);
    }

    /**
     * One Reactor Netty event loop per core, like nginx's {@code worker_processes auto}, unless
     * {@code -Dreactor.netty.ioWorkerCount} says otherwise. Reactor's own default is at least 4, which on
     * a 2-core host only adds thread switches: every forwarded request stays on one loop anyway
     * (docs/benchmarks.md). Takes effect only before Reactor Netty's first server or client starts.
     */
    static void oneEventLoopPerCore() {
        if (System.getProperty(ReactorNetty.IO_WORKER_COUNT) == null) {
            System.setProperty(ReactorNetty.IO_WORKER_COUNT, Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
    }
}
