package dtable.server;

import dtable.core.config.ServerConfig;
import dtable.core.token.TokenService;
import dtable.server.api.BaseAccess;
import dtable.server.api.RowsController;
import dtable.server.base.BaseRegistry;
import dtable.server.base.LaneMonitor;
import dtable.server.base.RowLimit;
import dtable.server.cluster.NodeRuntime;
import dtable.server.cluster.Ownership;
import dtable.server.socket.ContainerBuffers;
import dtable.server.socket.DtableSocketHandler;
import dtable.server.socket.PortSockets;
import dtable.server.socket.HeaderCopyFreeUpgrade;
import dtable.server.socket.RoomSession;
import dtable.server.socket.socketio.EngineIoServlet;
import dtable.server.socket.socketio.SocketIoGateway;
import dtable.server.storage.BaseStore;
import dtable.server.storage.LogWriterPool;
import dtable.server.storage.MysqlOperationLog;
import dtable.server.storage.OperationLog;
import dtable.web.Authorizer;
import dtable.server.api.RowsController;
import dtable.server.api.WritePort;
import dtable.web.BodyLimitFilter;
import dtable.web.NodeHeaderFilter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/** Builds the node's objects from {@link ServerConfig}; the classes themselves know nothing of Spring. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
public class ServerWiring {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    NodeIdentity nodeIdentity(ServerConfig config) {
        var cluster = config.cluster();
        return new NodeIdentity(cluster.nodeId(), cluster.nodeUrl(), cluster.localNodeUrl());
    }

    @Bean
    TokenService tokenService(ServerConfig config, Clock clock) {
        return new TokenService(config.privateKey(), clock);
    }

    @Bean
    Authorizer authorizer(TokenService tokens) {
        return new Authorizer(tokens);
    }

    @Bean
    BaseStore baseStore(DataSource dataSource) {
        return new BaseStore(dataSource);
    }

    /**
     * The log writers' own connections, with server-side statements ({@link LogWriterPool}); closed after the
     * operation log, which depends on it.
     */
    @Bean(destroyMethod = "close")
    LogWriterPool logWriterPool(DataSource dataSource, ServerConfig config, MeterRegistry meters) {
        return LogWriterPool.of(dataSource, config.groupCommitWriters(), meters);
    }

    @Bean(destroyMethod = "close")
    OperationLog operationLog(LogWriterPool connections, ServerConfig config, MeterRegistry meters) {
        DistributionSummary batchSizes = DistributionSummary.builder("dtable.oplog.batch.size")
                .description("operations per group commit").register(meters);
        Timer commits = Timer.builder("dtable.oplog.commit").publishPercentileHistogram()
                .description("from taking a connection to the commit of one group-commit batch").register(meters);
        return new MysqlOperationLog(connections.dataSource(), config.groupCommitWriters(), config.groupCommitMaxOps(),
                config.groupCommitLinger().toMillis(), batchSizes::record,
                nanos -> commits.record(nanos, TimeUnit.NANOSECONDS));
    }

    @Bean
    NodeRuntime nodeRuntime(ServerConfig config, BaseStore store, OperationLog operationLog, Clock clock) {
        return new NodeRuntime(config, store, operationLog, clock);
    }

    @Bean
    NodeLifecycle nodeLifecycle(NodeRuntime runtime) {
        return new NodeLifecycle(runtime);
    }

    @Bean
    Ownership ownership(NodeRuntime runtime) {
        return runtime.ownership();
    }

    @Bean
    BaseRegistry baseRegistry(NodeRuntime runtime, MeterRegistry meters) {
        BaseRegistry registry = runtime.registry();
        registry.monitorLanes(new LaneMonitor(meters));
        return registry;
    }

    @Bean
    BaseAccess baseAccess(Authorizer authorizer, BaseRegistry registry, ServerConfig config) {
        return new BaseAccess(authorizer, registry, config.baseWritableLimit());
    }

    @Bean
    RowsController.Limits rowLimits(ServerConfig config) {
        return new RowsController.Limits(config.rowsApiMaxLimit(), config.batchMaxRows(), config.batchDeleteMaxRows());
    }

    /**
     * The write port ({@link WritePort}) at {@code write_port}, one event loop per core; nothing when it is 0. Built
     * before the node registers (its lifecycle starts after every bean), so a registered {@code write_url} answers.
     */
    @Bean(destroyMethod = "close")
    AutoCloseable writePort(ServerConfig config, BaseAccess access, RowsController rows, RoomSession.Rooms rooms,
            MeterRegistry meters) throws InterruptedException {
        if (config.writePort() == 0) {
            return () -> { };
        }
        return new WritePort(access, rows, new PortSockets(rooms, config.maxRequestBytes()), config.cluster().nodeId(),
                config.maxRequestBytes(), meters, config.listenHost(), config.writePort(),
                Runtime.getRuntime().availableProcessors());
    }

    @Bean
    FilterRegistrationBean<NodeHeaderFilter> nodeHeaderFilter(ServerConfig config) {
        return NodeHeaderFilter.registration(config.cluster().nodeId());
    }

    @Bean
    FilterRegistrationBean<BodyLimitFilter> bodyLimitFilter(ServerConfig config) {
        return BodyLimitFilter.registration(config.maxRequestBytes());
    }

    /**
     * {@code dtable.socket.queue-capacity} (Spring property or env {@code DTABLE_SOCKET_QUEUE_CAPACITY},
     * default 4096): events a socket client may fall behind before it is closed with 4408. Keep it above
     * {@code group_commit_max_ops}: one commit batch reaches every client at once.
     */
    @Bean
    RoomSession.Rooms rooms(BaseRegistry registry, BaseStore store, TokenService tokens, ServerConfig config,
            @Value("${dtable.socket.queue-capacity:4096}") int queueCapacity) {
        return new RoomSession.Rooms(registry, store::readLog, tokens, queueCapacity, config.maxRequestBytes(),
                new RowLimit(config.baseWritableLimit()));
    }

    @Bean(destroyMethod = "close")
    SocketIoGateway socketIoGateway(RoomSession.Rooms rooms) {
        return new SocketIoGateway(rooms);
    }

    /** socket.io (SeaTable's client) on the node's own port, at both paths the client and the proxy use. */
    @Bean
    ServletRegistrationBean<EngineIoServlet> engineIoServlet(SocketIoGateway gateway, ServerConfig config) {
        int maxMessage = (int) Math.min(Integer.MAX_VALUE - 8, 2 * config.maxRequestBytes() + 1024);
        var registration = new ServletRegistrationBean<>(new EngineIoServlet(gateway.engine(), maxMessage),
                "/socket.io/*", "/api-gateway/socket.io/*");
        registration.setAsyncSupported(true);
        registration.setName("engine.io");
        return registration;
    }

    /** Small per-connection socket buffers, so that an idle socket is cheap ({@link ContainerBuffers}). */
    @Bean
    TomcatConnectorCustomizer connectionBuffers() {
        return ContainerBuffers::applyTo;
    }

    /** Small WebSocket message buffers, for both framings ({@link ContainerBuffers}). */
    @Bean
    ServletServerContainerFactoryBean webSocketMessageBuffers() {
        return ContainerBuffers.messageBuffers();
    }

    @Bean
    DtableSocketHandler socketHandler(RoomSession.Rooms rooms, ServerConfig config) {
        return new DtableSocketHandler(rooms, config.maxRequestBytes());
    }

    @Bean
    WebSocketConfigurer socketRoutes(DtableSocketHandler handler) {
        return (WebSocketHandlerRegistry registry) -> registry.addHandler(handler, "/socket/dtables/*")
                .setHandshakeHandler(new DefaultHandshakeHandler(new HeaderCopyFreeUpgrade()))
                .setAllowedOrigins("*");
    }

}
