package dtable.slave.cluster;

import dtable.core.cluster.SlaveInfo;
import dtable.core.config.SlaveConfig;
import dtable.core.etcd.ClusterJson;
import dtable.core.etcd.EtcdClients;
import dtable.core.etcd.NodeRegistration;
import dtable.core.etcd.RegistrationListener;
import io.etcd.jetcd.Client;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Registers the slave under {@code {ns}slaves/{node_id}} = {@code {"node_id","local_node_url"}} with a
 * lease kept alive (SPEC §3), so the monitor and operators see it; the key disappears within the TTL
 * when the slave dies, at once on a graceful stop (the lease is revoked).
 *
 * <p>The slave serves whether or not it is registered: nothing routes by this key, and reads of
 * MySQL do not need etcd. A lost lease is only logged; {@link NodeRegistration} registers again.
 *
 * <p>Starts after the web server (highest phase), so a registered slave is already listening; stops first.
 */
public final class SlaveRegistration implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SlaveRegistration.class);
    /** SPEC §3's default lease TTL; the slave's config has no key for it. */
    public static final Duration LEASE_TTL = Duration.ofSeconds(10);

    private final SlaveConfig config;
    private Client client;
    private NodeRegistration registration;
    private volatile boolean running;

    public SlaveRegistration(SlaveConfig config) {
        this.config = config;
    }

    @Override
    public void start() {
        var cluster = config.cluster();
        String key = cluster.etcd().keys().slave(cluster.nodeId());
        String value = ClusterJson.toJson(new SlaveInfo(cluster.nodeId(), cluster.localNodeUrl()));
        client = EtcdClients.connect(cluster.etcd().endpoints());
        registration = NodeRegistration.start(client, key, value, LEASE_TTL, new RegistrationListener() {
            @Override
            public void onRegistered(long leaseId) {
                log.info("slave {} registered at {}", cluster.nodeId(), key);
            }

            @Override
            public void onLeaseLost(String reason) {
                log.warn("slave {} lost its registration ({}); still serving reads, registering again",
                        cluster.nodeId(), reason);
            }
        });
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (registration != null) {
            registration.close();
        }
        if (client != null) {
            client.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** True while the key is written under a live lease. */
    public boolean registered() {
        return registration != null && registration.isRegistered();
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
