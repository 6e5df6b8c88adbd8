package dtable.proxy;

import dtable.core.config.ProxyConfig;
import dtable.core.etcd.ClusterWatcher;
import dtable.core.etcd.EtcdClients;
import dtable.proxy.forward.Forwarder;
import dtable.proxy.forward.ProxyMetrics;
import dtable.proxy.routing.RoutingTable;
import dtable.proxy.routing.WatchedRoutingTable;
import io.etcd.jetcd.Client;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds the proxy: one etcd client and {@link ClusterWatcher} (the only etcd traffic: a watch),
 * the routing table over it, and the {@link Forwarder}, installed into every connection of the
 * Reactor Netty server so that base paths are forwarded in plain Netty ahead of Spring's
 * dispatcher, which keeps {@code /ping/}, {@code /api/v1/cluster/map/} and the actuator. Beans
 * close in reverse order: the forwarder's pools, the watcher, then the etcd client.
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

    @Bean
    ProxyMetrics proxyMetrics(MeterRegistry registry) {
        return new ProxyMetrics(registry);
    }

    @Bean(destroyMethod = "close")
    Forwarder forwarder(RoutingTable routingTable, ProxyMetrics metrics, ProxySettings settings, ProxyConfig config) {
        log.info("retry budget {} ms, stale reads via {}", config.retryBudget().toMillis(),
                config.dtableServerSlaveUrl().orElse("(no slave configured)"));
        return new Forwarder(routingTable, metrics, settings, config.retryBudget(), config.dtableServerSlaveUrl(),
                System::nanoTime);
    }

    /** Base paths are taken off each connection right after the HTTP codec, before Spring's dispatcher. */
    @Bean
    NettyServerCustomizer forwardingInstaller(Forwarder forwarder) {
        return server -> server.doOnChannelInit((observer, channel, address) -> forwarder.install(channel));
    }
}
