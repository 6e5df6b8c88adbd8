package dtable.monitor;

import static dtable.monitor.MonitorTestSupport.allOwnedBy;
import static dtable.monitor.MonitorTestSupport.awaitLeader;
import static dtable.monitor.MonitorTestSupport.freshKeys;
import static dtable.monitor.MonitorTestSupport.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.cluster.EtcdKeys;
import dtable.core.config.MonitorConfig;
import dtable.core.etcd.EtcdClients;
import dtable.core.etcd.NodeRegistration;
import dtable.core.etcd.RegistrationListener;
import dtable.testsupport.EtcdExtension;
import io.etcd.jetcd.Client;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fast failover against a real etcd, with nodes that register the way dtable-server does ({@link NodeRegistration})
 * and whose {@code local_node_url} is a real listening socket: closing the socket (the process died) moves the node's
 * buckets within a second or two at a lease TTL of 10 s; a listener that never accepts (a frozen process) keeps them;
 * a node whose lease was revoked while it was alive fences itself and registers again.
 */
@Tag("integration")
class FastFailoverIntegrationTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    private static final Duration NODE_TTL = Duration.ofSeconds(10);

    private final EtcdKeys keys = freshKeys();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable resource : resources.reversed()) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void aNodeWhosePortRefusesLosesItsBucketsLongBeforeItsLease() throws Exception {
        TwoNodes cluster = twoArmedNodes();
        ClusterMonitor monitor = cluster.monitor();
        Node a = cluster.a();

        long died = System.nanoTime();
        a.client.close(); // no keep-alive any more: the lease would live for up to 10 s
        a.socket.close(); // the process is gone
        await().atMost(NODE_TTL).pollInterval(Duration.ofMillis(20))
                .until(() -> monitor.snapshot().bucketsOf("node-a").isEmpty());
        long tookMillis = (System.nanoTime() - died) / 1_000_000;
        assertThat(tookMillis).as("buckets moved after the port refused (lease TTL 10 s)").isLessThan(3_000);
        assertThat(monitor.snapshot().bucketsOf("node-b")).hasSize(256);
        assertThat(monitor.snapshot().nodes()).doesNotContainKey("node-a");
        cluster.b().close();
    }

    @Test
    void aFrozenNodeKeepsItsBucketsAndAnAliveNodeWhoseLeaseWasRevokedRegistersAgain() throws Exception {
        TwoNodes cluster = twoArmedNodes();
        ClusterMonitor monitor = cluster.monitor();
        Node a = cluster.a();
        // frozen: the socket stays open and never accepts, the kernel still completes handshakes
        assertNodeAKeepsItsHalf(monitor);

        // a false positive: the port refuses (say, it was rebound), but the process lives and keeps its lease alive
        int registrations = a.registrations.get();
        a.socket.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> monitor.snapshot().bucketsOf("node-a").isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> a.registrations.get() > registrations && a.leaseLost.get() > 0);
        assertThat(monitor.snapshot().nodes()).containsKey("node-a");
    }

    @Test
    void switchedOffNothingMovesBeforeTheLeaseExpires() throws Exception {
        TwoNodes cluster = twoBalancedNodes(false);
        cluster.a().socket.close();
        assertNodeAKeepsItsHalf(cluster.monitor());
    }

    /** A started monitor and its two nodes, each owning half the buckets. */
    private record TwoNodes(ClusterMonitor monitor, Node a, Node b) {
    }

    private TwoNodes twoBalancedNodes(boolean fastFailover) throws Exception {
        ClusterMonitor monitor = startMonitor(fastFailover);
        TwoNodes cluster = new TwoNodes(monitor, node("node-a"), node("node-b"));
        awaitBalanced(monitor);
        return cluster;
    }

    /** Two balanced nodes that the monitor has seen accept: from now on a refusing port counts. */
    private TwoNodes twoArmedNodes() throws Exception {
        TwoNodes cluster = twoBalancedNodes(true);
        awaitArmed(cluster.monitor());
        return cluster;
    }

    /** node-a keeps its 128 buckets for 3 s: nothing was moved away from it. */
    private static void assertNodeAKeepsItsHalf(ClusterMonitor monitor) {
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> monitor.snapshot().bucketsOf("node-a").size() == 128);
    }

    /** auto_rebalance is on: the second node's join moves half the buckets (in more than one transaction). */
    private static void awaitBalanced(ClusterMonitor monitor) {
        await().atMost(Duration.ofSeconds(30)).until(() -> allOwnedBy(monitor.snapshot(), Set.of("node-a", "node-b"))
                && monitor.snapshot().bucketsOf("node-a").size() == 128 && monitor.snapshot().bucketsOf("node-b").size() == 128);
    }

    /** Until the monitor has seen both nodes accept, their refusals would not count. */
    private static void awaitArmed(ClusterMonitor monitor) {
        await().atMost(Duration.ofSeconds(5)).until(() -> monitor.fastFailover().orElseThrow().armedNodes()
                .containsAll(Set.of("node-a", "node-b")));
    }

    private ClusterMonitor startMonitor(boolean fastFailover) {
        Client client = EtcdClients.connect(etcd.endpoints());
        resources.add(client);
        ClusterMonitor monitor = ClusterMonitor.start(client, keys, settings("m1", Duration.ofSeconds(3), true),
                new dtable.monitor.generation.InMemoryGenerationLedger(), Clock.systemUTC(),
                new MonitorConfig.FastFailover(fastFailover, Duration.ofMillis(250)));
        resources.add(monitor);
        awaitLeader(List.of(monitor), Duration.ofSeconds(15));
        return monitor;
    }

    private Node node(String id) throws Exception {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Client client = EtcdClients.connect(etcd.endpoints());
        String url = "http://127.0.0.1:" + socket.getLocalPort() + "/";
        String json = "{\"node_id\":\"" + id + "\",\"node_url\":\"" + url + "\",\"local_node_url\":\"" + url
                + "\",\"started_at\":\"2026-01-01T00:00:00Z\"}";
        AtomicInteger registrations = new AtomicInteger();
        AtomicInteger leaseLost = new AtomicInteger();
        NodeRegistration registration = NodeRegistration.start(client, keys.node(id), json, NODE_TTL,
                new RegistrationListener() {
                    @Override
                    public void onRegistered(long leaseId) {
                        registrations.incrementAndGet();
                    }

                    @Override
                    public void onLeaseLost(String reason) {
                        leaseLost.incrementAndGet();
                    }
                });
        assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
        Node node = new Node(socket, client, registration, registrations, leaseLost);
        resources.add(node);
        return node;
    }

    private record Node(ServerSocket socket, Client client, NodeRegistration registration, AtomicInteger registrations,
                        AtomicInteger leaseLost) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            registration.close();
            client.close();
            socket.close();
        }
    }
}
