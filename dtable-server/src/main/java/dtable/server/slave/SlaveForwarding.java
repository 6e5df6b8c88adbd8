package dtable.server.slave;

import dtable.core.config.ServerConfig;
import dtable.server.base.BaseRegistry;
import dtable.server.cluster.Ownership;
import dtable.server.storage.BaseStore;
import dtable.web.Authorizer;
import dtable.web.NodeHeaderFilter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Installs {@link SlaveReadFilter} when {@code dtable_server_slave_url} is set: reads of bases with more
 * than {@code worker_threads_rows_limit} rows go to the slave. Without the setting the filter is
 * registered disabled and every read stays on the node.
 */
@Configuration(proxyBeanMethods = false)
public class SlaveForwarding {

    /** Connecting to a slave on the LAN takes milliseconds; longer means it is not there. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Until the slave's status line: it may have to load a large base from MySQL first. */
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    /** After a failure, reads stay local this long before the slave is tried again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    @Bean
    FilterRegistrationBean<SlaveReadFilter> slaveReadFilter(ServerConfig config, Authorizer authorizer,
            Ownership ownership, BaseRegistry registry, BaseStore store, Clock clock, MeterRegistry meters) {
        String url = config.dtableServerSlaveUrl().orElse("http://127.0.0.1:4000/");
        SlaveClient slave = new SlaveClient(URI.create(url), config.cluster().nodeId(), clock, CONNECT_TIMEOUT,
                RESPONSE_TIMEOUT, RETRY_AFTER);
        ForwardPolicy policy = ForwardPolicy.of(authorizer, ownership, registry, store, config.workerThreadsRowsLimit());
        var registration = new FilterRegistrationBean<>(new SlaveReadFilter(policy, slave));
        // after NodeHeaderFilter (HIGHEST_PRECEDENCE): the slave's X-Dtable-Node must win
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.setEnabled(config.dtableServerSlaveUrl().isPresent());
        if (config.dtableServerSlaveUrl().isPresent()) {
            FunctionCounter.builder("dtable.slave.forwarded", slave, SlaveClient::forwarded)
                    .description("reads of large bases answered by the dtable-server-slave").register(meters);
            FunctionCounter.builder("dtable.slave.fallbacks", slave, SlaveClient::fallbacks)
                    .description("reads of large bases served locally because the slave was unavailable")
                    .register(meters);
        }
        return registration;
    }
}
