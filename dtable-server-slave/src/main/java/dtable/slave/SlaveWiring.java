package dtable.slave;

import dtable.core.config.SlaveConfig;
import dtable.core.token.TokenService;
import dtable.slave.api.CacheController;
import dtable.slave.api.ReadOnlyFilter;
import dtable.slave.cache.BaseCache;
import dtable.slave.cache.BaseLoader;
import dtable.slave.cache.RowBudget;
import dtable.slave.cluster.SlaveRegistration;
import dtable.storage.OperationLogReader;
import dtable.storage.SnapshotReader;
import dtable.web.Authorizer;
import dtable.web.NodeHeaderFilter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds the slave's objects from {@link SlaveConfig}; the classes themselves know nothing of Spring. */
@Configuration(proxyBeanMethods = false)
public class SlaveWiring {

    private static final Logger log = LoggerFactory.getLogger(SlaveWiring.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    CacheController.SlaveIdentity slaveIdentity(SlaveConfig config) {
        return new CacheController.SlaveIdentity(config.cluster().nodeId());
    }

    @Bean
    Authorizer authorizer(SlaveConfig config, Clock clock) {
        return new Authorizer(new TokenService(config.privateKey(), clock));
    }

    /**
     * @param maxDocumentBytes budget of kept whole-base renderings ({@code dtable.slave.max-document-bytes},
     *                         64 MiB); not a SeaTable key, so a Spring property
     */
    @Bean
    BaseCache baseCache(DataSource dataSource, SlaveConfig config,
            @Value("${dtable.slave.max-document-bytes:67108864}") long maxDocumentBytes, MeterRegistry meters) {
        long maxHeap = Runtime.getRuntime().maxMemory();
        long maxRows = RowBudget.effectiveMaxRows(config.maxCachedRows(), maxHeap);
        if (maxRows < config.maxCachedRows()) {
            log.warn("max_cached_rows {} needs about {} MiB of heap but the heap is {} MiB: caching at most {} rows"
                    + " (raise -Xmx or lower max_cached_rows)", config.maxCachedRows(),
                    config.maxCachedRows() * RowBudget.BYTES_PER_ROW >> 20, maxHeap >> 20, maxRows);
        }
        BaseCache cache = new BaseCache(new BaseLoader(new SnapshotReader(dataSource), new OperationLogReader(dataSource)), maxRows, maxDocumentBytes);
        Gauge.builder("dtable.slave.cached.rows", cache, BaseCache::cachedRows)
                .description("rows of the bases held in memory").register(meters);
        Gauge.builder("dtable.slave.cached.bases", cache, c -> c.entries().size()).register(meters);
        FunctionCounter.builder("dtable.slave.loads", cache, BaseCache::loads)
                .description("bases built from their snapshot (first loads and reloads after a log gap)").register(meters);
        FunctionCounter.builder("dtable.slave.evictions", cache, BaseCache::evictions).register(meters);
        return cache;
    }

    @Bean
    SlaveRegistration slaveRegistration(SlaveConfig config) {
        return new SlaveRegistration(config);
    }

    @Bean
    FilterRegistrationBean<NodeHeaderFilter> nodeHeaderFilter(SlaveConfig config) {
        return NodeHeaderFilter.registration(config.cluster().nodeId());
    }

    @Bean
    FilterRegistrationBean<ReadOnlyFilter> readOnlyFilter() {
        var registration = new FilterRegistrationBean<>(new ReadOnlyFilter());
        registration.setOrder(NodeHeaderFilter.ORDER + 1);
        return registration;
    }
}
