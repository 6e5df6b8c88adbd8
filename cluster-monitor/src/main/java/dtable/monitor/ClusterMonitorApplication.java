package dtable.monitor;

import dtable.core.config.ConfigException;
import dtable.core.config.MonitorConfig;
import dtable.monitor.generation.GenerationLedger;
import dtable.monitor.generation.MysqlGenerationLedger;
import dtable.web.ServiceStart;
import dtable.web.WebConfiguration;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.annotation.Import;

/**
 * The cluster-monitor service (SPEC §10): reads {@code cluster_monitor_config.json} before Spring starts
 * (a bad setting prints one line and exits {@link ConfigException#EXIT_STATUS}), listens on
 * {@code listen_port}, and shuts down gracefully, resigning leadership on the way out.
 */
@SpringBootApplication
@Import(WebConfiguration.class)
public class ClusterMonitorApplication {

    public static void main(String[] args) {
        MonitorConfig config = ConfigException.orExit(MonitorConfig::load);
        run(config, args);
    }

    /**
     * Starts the monitor with an already loaded config (tests use this with {@code --server.port=0}).
     * The config's {@code listen_port} is only the default of {@code server.port}, so a command-line
     * {@code --server.port} still wins.
     */
    public static ConfigurableApplicationContext run(MonitorConfig config, String... args) {
        MysqlGenerationLedger ledger = new MysqlGenerationLedger(config.mysql());
        ConfigurableApplicationContext context = run(config, ledger, args);
        context.addApplicationListener((ApplicationListener<ContextClosedEvent>) event -> ledger.close());
        return context;
    }

    /** As {@link #run(MonitorConfig, String...)} with MySQL's side of the cluster generation given (tests). */
    public static ConfigurableApplicationContext run(MonitorConfig config, GenerationLedger ledger, String... args) {
        Map<String, Object> defaults = ServiceStart.defaults("cluster-monitor", config.listenPort(), null);
        defaults.put("server.shutdown", "graceful");
        defaults.put("spring.lifecycle.timeout-per-shutdown-phase", "20s");
        defaults.put("management.endpoints.web.exposure.include", "health,info,prometheus");
        return ServiceStart.run(ClusterMonitorApplication.class, defaults,
                Map.of("monitorConfig", config, "generationLedger", ledger), args);
    }
}
