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
        defaultEventLoops();
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
     * One Reactor Netty event loop per two cores (at least one), unless {@code -Dreactor.netty.ioWorkerCount}
     * says otherwise. Takes effect only before Reactor Netty's first server or client starts.
     *
     * <p>Why not one per core: a forwarded request costs the proxy about 20 µs of CPU, so one loop forwards
     * about 50,000 requests a second, and the proxy shares its host with the nodes (compose) or with its
     * clients. Every busy loop is one more thread competing for those cores: on 2 cores with the load
     * generator and the node beside it, runs alternating one loop and two gave one loop a lower p99 (2.5-3.3 ms
     * against 4.2-4.5 ms) and less CPU per request (20-22 µs against 24-26 µs), with no less throughput
     * (docs/benchmarks.md, "The proxy with one event loop per two cores"). nginx's two workers there did not
     * share the work evenly either (in one run one of them served every connection). Reactor's own default is
     * at least 4 loops.
     */
    static void defaultEventLoops() {
        if (System.getProperty(ReactorNetty.IO_WORKER_COUNT) == null) {
            System.setProperty(ReactorNetty.IO_WORKER_COUNT,
                    Integer.toString(eventLoopsFor(Runtime.getRuntime().availableProcessors())));
        }
    }

    /** The default number of event loops on a host with {@code cores} cores: half of them, at least one. */
    static int eventLoopsFor(int cores) {
        return Math.max(1, cores / 2);
    }
}
