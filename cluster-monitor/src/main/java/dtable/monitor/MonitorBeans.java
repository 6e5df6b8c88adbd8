package dtable.monitor;

import dtable.core.config.MonitorConfig;
import dtable.core.error.ErrorType;
import dtable.core.etcd.EtcdClients;
import dtable.core.token.TokenService;
import dtable.monitor.generation.GenerationLedger;
import dtable.web.Authorizer;
import io.etcd.jetcd.Client;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the non-Spring core: one jetcd client, one {@link ClusterMonitor}, the token service. The
 * {@link MonitorConfig} bean is registered by {@link ClusterMonitorApplication#run}. Destroy order
 * (monitor before client) makes shutdown resign leadership while etcd is still reachable.
 */
@Configuration(proxyBeanMethods = false)
class MonitorBeans {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    TokenService tokenService(MonitorConfig config, Clock clock) {
        return new TokenService(config.privateKey(), clock);
    }

    /** Admin endpoints need an internal token; a valid non-internal one is {@code 403 forbidden}. */
    @Bean
    Authorizer authorizer(TokenService tokens) {
        return new Authorizer(tokens, ErrorType.FORBIDDEN);
    }

    @Bean(destroyMethod = "close")
    Client etcdClient(MonitorConfig config) {
        return EtcdClients.connect(config.cluster().etcd().endpoints());
    }

    @Bean(destroyMethod = "close")
    ClusterMonitor clusterMonitor(Client etcdClient, MonitorConfig config, GenerationLedger generationLedger, Clock clock) {
        MonitorConfig.Cluster cluster = config.cluster();
        MonitorSettings settings = new MonitorSettings(cluster.monitorId(), cluster.monitorUrl(),
                cluster.electionLeaseTtl(), config.checkInterval(), config.autoRebalance(), config.maxMovesPerRebalance());
        return ClusterMonitor.start(etcdClient, cluster.etcd().keys(), settings, generationLedger, clock,
                config.fastFailover());
    }
}
