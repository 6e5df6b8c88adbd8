package dtable.proxy;

import dtable.core.config.ProxyConfig;
import dtable.core.etcd.ClusterWatcher;
import dtable.core.etcd.EtcdClients;
import dtable.proxy.forward.ForwardingHandler;
import dtable.proxy.forward.NodeClient;
import dtable.proxy.forward.ProxyMetrics;
import dtable.proxy.routing.ProxyPath;
import dtable.proxy.routing.RoutingTable;
import dtable.proxy.routing.WatchedRoutingTable;
import io.etcd.jetcd.Client;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Schedulers;

/**
 * Builds the proxy: one etcd client and {@link ClusterWatcher} (the only etcd traffic: a watch),
 * the routing table over it, the pooled {@link NodeClient}, and the raw Reactor Netty route that
 * sends every base path to {@link ForwardingHandler} ahead of Spring's dispatcher, which keeps
 * {@code /ping/}, {@code /api/v1/cluster/map/} and the actuator. Beans close in reverse order:
 * the watcher before the etcd client.
 */
@Configuration(proxyBeanMethods = false)
class ProxyWiring {

    private static final Logger log = LoggerFactory.getLogger(ProxyWiring.class);

    @Bean(destroyMethod = "close")
    Client etcdClient(ProxyConfig config) {
        return EtcdClients.connect(config.etcd().endpoints());
    }

    @Bean(destroyMethod = "close")
    ClusterWatcher clusterWatcher(Client etcdClient, ProxyConfig config) {
        log.info("watching {} at {}", config.etcd().prefix(), config.etcd().endpoints());
        return ClusterWatcher.start(etcdClient, config.etcd().keys());
    }

    @Bean
    WatchedRoutingTable routingTable(ClusterWatcher clusterWatcher) {
        return new WatchedRoutingTable(clusterWatcher);
    }

    @Bean(destroyMethod = "close")
    NodeClient nodeClient(ProxySettings settings) {
        return new NodeClient(settings);
    }

    @Bean
    ProxyMetrics proxyMetrics(MeterRegistry registry) {
        return new ProxyMetrics(registry);
    }

    @Bean
    ForwardingHandler forwardingHandler(RoutingTable routingTable, NodeClient nodeClient, ProxyMetrics metrics,
                                        ProxySettings settings, ProxyConfig config) {
        log.info("retry budget {} ms, stale reads via {}", config.retryBudget().toMillis(),
                config.dtableServerSlaveUrl().orElse("(no slave configured)"));
        return new ForwardingHandler(routingTable, nodeClient, metrics, settings, config.retryBudget(),
                config.dtableServerSlaveUrl(), System::nanoTime, Schedulers.parallel());
    }

    /** Base paths bypass Spring's dispatcher: they are streamed by Reactor Netty directly. */
    @Bean
    NettyRouteProvider baseRoutes(ForwardingHandler handler) {
        return routes -> routes.route(request -> ProxyPath.isBasePath(request.uri()), handler::handle);
    }
}
