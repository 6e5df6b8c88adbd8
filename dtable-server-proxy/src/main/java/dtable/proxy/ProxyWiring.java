package dtable.proxy;

import dtable.core.config.ProxyConfig;
import dtable.core.etcd.ClusterWatcher;
import dtable.core.etcd.EtcdClients;
import dtable.proxy.apitoken.ApiTokenBackend;
import dtable.proxy.forward.Forwarder;
import dtable.proxy.forward.ProxyMetrics;
import dtable.proxy.report.RefusalReporter;
import dtable.proxy.routing.RoutingTable;
import dtable.proxy.routing.WatchedRoutingTable;
import io.etcd.jetcd.Client;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds the proxy: one etcd client and {@link ClusterWatcher} (etcd traffic: a watch, and the rare
 * {@link RefusalReporter} write when a node refuses a connection),
 * the routing table over it, and the {@link Forwarder}, installed into every connection of the
 * Reactor Netty server so that base paths are forwarded in plain Netty ahead of Spring's
 * dispatcher, which keeps {@code /ping/}, {@code /api/v1/cluster/map/} and the actuator. Beans
 * close in reverse order: the forwarder's pools, the watcher, then the etcd client.
 */
@Configuration(proxyBeanMethods = false)
class ProxyWiring {

    private static final Logger log = LoggerFactory.getLogger(ProxyWiring.class);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);

    @Bean(destroyMethod = "close")
    Client etcdClient(ProxyConfig config) {
        return EtcdClients.connect(config.etcd().endpoints());
    }

    @Bean(destroyMethod = "close")
    ClusterWatcher clusterWatcher(Client etcdClient, ProxyConfig config) {
        log.info("watching {} at {}", config.etcd().prefix(), config.etcd().endpoints());
        return ClusterWatcher.start(etcdClient, config.etcd().keys());
    }

    /** API tokens and the signing key of the gateway endpoints; MySQL is migrated in the background. */
    @Bean(destroyMethod = "close")
    ApiTokenBackend apiTokenBackend(ProxyConfig config) {
        log.info("API tokens: {}", config.mysql().map(Object::toString).orElse("no MySQL configured (disabled)"));
        return ApiTokenBackend.start(config.privateKey(), config.mysql());
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
    Forwarder forwarder(RoutingTable routingTable, ProxyMetrics metrics, ProxySettings settings, ProxyConfig config,
                        Client etcdClient) {
        log.info("retry budget {} ms, stale reads via {}", config.retryBudget().toMillis(),
                config.dtableServerSlaveUrl().orElse("(no slave configured)"));
        Forwarder forwarder = new Forwarder(routingTable, metrics, settings, config.retryBudget(),
                config.dtableServerSlaveUrl(), System::nanoTime);
        // a node that refuses a connection: the monitor leader probes it at once (and decides on its own probes)
        forwarder.onConnectFailure(new RefusalReporter(etcdClient, config.etcd().keys(),
                "proxy pid " + ProcessHandle.current().pid(), Clock.systemUTC(), System::nanoTime));
        return forwarder;
    }

    /**
     * At shutdown, before Reactor Netty's graceful shutdown (which knows only Spring's requests), lets
     * forwarded requests finish and refuses new ones.
     */
    @Bean
    SmartLifecycle forwardingDrain(Forwarder forwarder) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                running = true;
            }

            @Override
            public void stop() {
                running = false;
                try {
                    forwarder.drain(DRAIN_TIMEOUT);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return SmartLifecycle.DEFAULT_PHASE - 512; // graceful web server shutdown: DEFAULT_PHASE - 1024
            }
        };
    }

    @Bean
    MeterBinder forwardingGauges(Forwarder forwarder) {
        return registry -> Gauge.builder("dtable.proxy.active", forwarder, Forwarder::activeExchanges)
                .description("forwarded requests in progress").register(registry);
    }

    /** Base paths are taken off each connection right after the HTTP codec, before Spring's dispatcher. */
    @Bean
    NettyServerCustomizer forwardingInstaller(Forwarder forwarder) {
        return server -> server.doOnChannelInit((observer, channel, address) -> forwarder.install(channel));
    }
}
