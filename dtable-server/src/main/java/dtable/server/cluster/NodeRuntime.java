package dtable.server.cluster;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.EtcdKeys;
import dtable.core.cluster.NodeInfo;
import dtable.core.config.ServerConfig;
import dtable.core.etcd.ClusterWatcher;
import dtable.core.etcd.EtcdClients;
import dtable.core.etcd.NodeRegistration;
import dtable.core.etcd.RegistrationListener;
import dtable.server.base.BaseMaintenance;
import dtable.server.base.BaseRegistry;
import dtable.server.storage.BaseStore;
import dtable.server.storage.OperationLog;
import io.etcd.jetcd.Client;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The node's root, without Spring: it builds the node core (ownership, base registry, maintenance) from
 * its configuration, storage and operation log, and owns the node's membership in the cluster and the
 * order things start and stop in. Spring drives it through {@code NodeLifecycle}; tests build the core's
 * parts directly on in-memory seams ({@link dtable.server.storage.BaseStorage},
 * {@link dtable.server.storage.OperationLog}).
 *
 * <p>Start: watch the map → register with a lease (from then on the node serves what the map gives
 * it) → background maintenance. Stop (graceful): stop serving every bucket (sockets hear
 * {@code base-moved}, changed bases are snapshotted while the epoch is held) → revoke the lease so
 * the monitor reassigns at once → close etcd.
 *
 * <p>Bucket releases run on one thread of their own, off the etcd threads, in the order they happen.
 */
public final class NodeRuntime {

    private static final Logger log = LoggerFactory.getLogger(NodeRuntime.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ServerConfig config;
    private final Ownership ownership;
    private final BaseRegistry registry;
    private final BaseMaintenance maintenance;
    private final ExecutorService releases =
            Executors.newSingleThreadExecutor(Thread.ofPlatform().name("bucket-release").daemon(true).factory());
    private final Clock clock;
    private Client client;
    private ClusterWatcher watcher;
    /** Replaced only by start(), stop() and the mysql-check thread (release and rejoin). */
    private volatile NodeRegistration registration;
    /** The registration value, computed at every (re-)registration (it reports the buckets this node held). */
    private java.util.function.Supplier<String> registrationJson;
    private volatile boolean running;
    /** Checks MySQL every 500 ms while {@code mysql_unreachable_release_seconds} is set (mysql-check thread). */
    private final ScheduledExecutorService mysqlCheck =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("mysql-check").daemon(true).factory());
    /** mysql-check thread; null while {@code mysql_unreachable_release_seconds} is zero. */
    private MysqlProbe probe;
    /** Set by the mysql-check thread while this node has let its buckets go because MySQL is unreachable. */
    private volatile boolean mysqlReleased;
    /** mysql-check thread: this thread closed the registry's write gate because a check failed. */
    private boolean refusingWrites;

    /** Snapshots of large bases are single rows: MySQL must accept packets this big (a 1M-row base is ~50-100 MiB gzip). */
    static final long RECOMMENDED_MAX_ALLOWED_PACKET = 256L * 1024 * 1024;

    private final BaseStore store;

    public NodeRuntime(ServerConfig config, BaseStore store, OperationLog operationLog, Clock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
        String nodeId = config.cluster().nodeId();
        this.ownership = new Ownership(nodeId, this::release);
        this.registry = new BaseRegistry(nodeId, store, operationLog, ownership, clock,
                new BaseRegistry.Limits(config.maxLoadedRows()));
        this.maintenance = new BaseMaintenance(registry, store, clock, new BaseMaintenance.Settings(
                config.saveInterval(), config.snapshotEveryOps(), config.idleUnload(), config.operationLogRetention()));
    }

    private void release(Set<Bucket> buckets, String reason) {
        boolean snapshot = !mysqlReleased; // no snapshot attempt on a link known to be dead
        releases.execute(() -> registry.releaseBuckets(buckets, reason, snapshot));
    }

    /** Watches the map, registers, starts maintenance and (when configured) the MySQL checks. */
    public void start() {
        var cluster = config.cluster();
        warnOnSmallPackets();
        EtcdKeys keys = cluster.etcd().keys();
        client = EtcdClients.connect(cluster.etcd().endpoints());
        watcher = ClusterWatcher.start(client, keys);
        watcher.addListener(ownership::onMap);
        ownership.onMap(watcher.current());
        String startedAt = Instant.now(clock).toString();
        // computed at every (re-)registration: after etcd lost its data the node re-registers with what it held
        registrationJson = () -> JSON.writeValueAsString(new NodeInfo(cluster.nodeId(), cluster.nodeUrl(),
                cluster.localNodeUrl(), startedAt, ownership.heldBuckets(), cluster.localWriteUrl()));
        registration = register(keys);
        maintenance.start();
        if (!cluster.mysqlUnreachableRelease().isZero()) {
            probe = new MysqlProbe(store::ping, cluster.mysqlUnreachableRelease(), clock);
            mysqlCheck.scheduleWithFixedDelay(() -> checkMysql(keys), 500, 500, TimeUnit.MILLISECONDS);
        }
        running = true;
        log.info("node {} started: etcd {}, lease TTL {} s", cluster.nodeId(), cluster.etcd().endpoints(),
                cluster.leaseTtl().toSeconds());
    }

    private NodeRegistration register(EtcdKeys keys) {
        var cluster = config.cluster();
        return NodeRegistration.start(client, keys.node(cluster.nodeId()), registrationJson,
                cluster.leaseTtl(), new RegistrationListener() {
                    @Override
                    public void onRegistered(long leaseId) {
                        ownership.onRegistered();
                    }

                    @Override
                    public void onLeaseLost(String reason) {
                        ownership.onLeaseLost(reason);
                    }
                });
    }

    /**
     * mysql-check thread: a node that cannot reach MySQL for {@code mysql_unreachable_release_seconds} stops
     * serving and revokes its lease (the monitor gives its buckets to a node that can write), and registers
     * again once MySQL answers. See {@link MysqlReachability} for the rule.
     */
    private void checkMysql(EtcdKeys keys) {
        try {
            String self = config.cluster().nodeId();
            boolean others = watcher.current().nodes().keySet().stream().anyMatch(id -> !id.equals(self));
            MysqlReachability.Action action = probe.check(others);
            // before a release (which may wait on etcd): new writes are refused at once, nothing is queued
            if (probe.writable() && refusingWrites) {
                log.info("node {}: MySQL answers again: taking writes again", self);
                refusingWrites = false;
                registry.writeGate().open();
            } else if (!probe.writable() && !refusingWrites) {
                log.warn("node {}: MySQL has not answered for {} ms: refusing new writes until it does", self,
                        probe.unreachableFor().toMillis());
                refusingWrites = true;
                registry.writeGate().close("MySQL unreachable");
            }
            switch (action) {
                case RELEASE -> {
                    String reason = "MySQL unreachable for " + probe.unreachableFor().toSeconds() + " s";
                    log.warn("node {}: {}: stops serving and revokes its lease so that another node serves its buckets",
                            self, reason);
                    mysqlReleased = true;
                    ownership.onLeaseLost(reason);
                    NodeRegistration released = registration;
                    registration = null;
                    if (released != null) {
                        released.close();
                    }
                }
                case REJOIN -> {
                    log.info("node {}: MySQL answers again: registering again", self);
                    mysqlReleased = false;
                    if (registration == null && running) {
                        registration = register(keys);
                    }
                }
                case NONE -> {
                }
            }
        } catch (RuntimeException e) {
            // an exception would cancel the schedule
            log.warn("MySQL reachability check failed: {}", e.toString());
        }
    }

    private void warnOnSmallPackets() {
        try {
            long packet = store.maxAllowedPacket();
            if (packet < RECOMMENDED_MAX_ALLOWED_PACKET) {
                log.warn("MySQL max_allowed_packet is {} MiB: snapshots of large bases will fail to save;"
                        + " set it to at least {} MiB", packet >> 20, RECOMMENDED_MAX_ALLOWED_PACKET >> 20);
            }
        } catch (RuntimeException e) {
            log.warn("could not read max_allowed_packet: {}", e.getMessage());
        }
    }

    /** Graceful stop: see the class comment. */
    public void stop() {
        running = false;
        mysqlCheck.shutdownNow();
        if (probe != null) {
            probe.close();
        }
        try {
            mysqlCheck.awaitTermination(10, TimeUnit.SECONDS); // a release or rejoin in progress finishes first
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        maintenance.close();
        ownership.onLeaseLost("shutting down");
        releases.shutdown();
        try {
            releases.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.unloadAll("shutting down");
        NodeRegistration current = registration;
        if (current != null) {
            current.close();
        }
        awaitBucketsMovedAway();
        if (watcher != null) {
            watcher.close();
        }
        if (client != null) {
            client.close();
        }
        log.info("node {} stopped", config.cluster().nodeId());
    }

    /**
     * After the lease is revoked the monitor moves this node's buckets at once; the proxy learns it from
     * the same etcd watch. Waiting here (bounded) until the map names this node for no bucket, plus a
     * short grace for the other watchers, lets the proxy stop sending here before the web server closes
     * its keep-alive connections — otherwise a request written on a connection the server is closing
     * gets a reset that the proxy cannot safely retry.
     */
    private void awaitBucketsMovedAway() {
        if (watcher == null) {
            return;
        }
        String nodeId = config.cluster().nodeId();
        long deadline = System.nanoTime() + SHUTDOWN_DRAIN.toNanos();
        try {
            while (!watcher.current().bucketsOf(nodeId).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (watcher.current().bucketsOf(nodeId).isEmpty()) {
                Thread.sleep(PROXY_GRACE.toMillis());
                log.info("node {}: every bucket has moved away; shutting the web server down", nodeId);
            } else {
                log.warn("node {}: buckets still assigned here after {} s (no monitor?); shutting down anyway", nodeId,
                        SHUTDOWN_DRAIN.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final java.time.Duration SHUTDOWN_DRAIN = java.time.Duration.ofSeconds(10);
    private static final java.time.Duration PROXY_GRACE = java.time.Duration.ofMillis(500);

    public boolean isRunning() {
        return running;
    }

    public Ownership ownership() {
        return ownership;
    }

    public BaseRegistry registry() {
        return registry;
    }

    public BaseMaintenance maintenance() {
        return maintenance;
    }
}
