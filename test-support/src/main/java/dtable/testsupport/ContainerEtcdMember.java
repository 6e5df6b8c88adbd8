package dtable.testsupport;

import java.time.Duration;
import java.util.List;
import org.testcontainers.containers.FixedHostPortGenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.containers.wait.strategy.WaitStrategyTarget;

/**
 * The fallback when no etcd binary is installed but Docker is: one member in a container. The
 * client port is bound to a fixed loopback port so a stopped and restarted container keeps its
 * endpoint; members find each other by network alias. Stop/start/kill/pause: {@link ContainerServerProcess}. Not thread-safe on its own.
 */
final class ContainerEtcdMember extends ContainerServerProcess implements EtcdMember {

    static final String IMAGE = "quay.io/coreos/etcd:v3.5.17";

    private final String name;
    private final int clientPort;

    @SuppressWarnings({"resource", "deprecation"})
    ContainerEtcdMember(String name, int clientPort, Network network, String initialCluster, String clusterToken) {
        super(new FixedHostPortGenericContainer<>(IMAGE)
                .withFixedExposedPort(clientPort, 2379)
                .withNetwork(network)
                .withNetworkAliases(name)
                .withCommand(List.of("/usr/local/bin/etcd",
                        "--name=" + name,
                        "--data-dir=/etcd-data",
                        "--listen-client-urls=http://0.0.0.0:2379",
                        "--advertise-client-urls=" + endpoint(clientPort),
                        "--listen-peer-urls=http://0.0.0.0:2380",
                        "--initial-advertise-peer-urls=" + peerUrl(name),
                        "--initial-cluster=" + initialCluster,
                        "--initial-cluster-state=new",
                        "--pre-vote",
                        "--initial-cluster-token=" + clusterToken,
                        "--heartbeat-interval=" + LocalEtcdMember.HEARTBEAT_MS,
                        "--election-timeout=" + LocalEtcdMember.ELECTION_TIMEOUT_MS).toArray(String[]::new))
                // members only serve clients once a quorum exists, so the cluster, not each
                // container, waits for health (see EtcdCluster)
                .waitingFor(new NoWait()), Duration.ofSeconds(10));
        this.name = name;
        this.clientPort = clientPort;
    }

    static String peerUrl(String name) {
        return "http://" + name + ":2380";
    }

    private static String endpoint(int clientPort) {
        return "http://127.0.0.1:" + clientPort;
    }

    @Override
    public String endpoint() {
        return endpoint(clientPort);
    }

    @Override
    public String toString() {
        return name + "@" + endpoint();
    }

    /** Returns at once; readiness is checked by the caller. */
    private static final class NoWait implements WaitStrategy {
        @Override
        public void waitUntilReady(WaitStrategyTarget target) {
        }

        @Override
        public WaitStrategy withStartupTimeout(Duration startupTimeout) {
            return this;
        }
    }
}
