package dtable.testsupport;

import com.github.dockerjava.api.DockerClient;
import java.time.Duration;
import java.util.List;
import org.testcontainers.containers.FixedHostPortGenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.containers.wait.strategy.WaitStrategyTarget;

/**
 * The fallback when no etcd binary is installed but Docker is: one member in a container. The
 * client port is bound to a fixed loopback port so a stopped and restarted container keeps its
 * endpoint; members find each other by network alias. Stop/start/kill/pause go through the Docker
 * API on the same container, so its data survives a restart. Not thread-safe on its own.
 */
final class ContainerEtcdMember implements EtcdMember {

    static final String IMAGE = "quay.io/coreos/etcd:v3.5.17";

    private final String name;
    private final int clientPort;
    private final FixedHostPortGenericContainer<?> container;
    private boolean created;

    @SuppressWarnings({"resource", "deprecation"})
    ContainerEtcdMember(String name, int clientPort, Network network, String initialCluster, String clusterToken) {
        this.name = name;
        this.clientPort = clientPort;
        this.container = new FixedHostPortGenericContainer<>(IMAGE)
                .withFixedExposedPort(clientPort, 2379)
                .withNetwork(network)
                .withNetworkAliases(name)
                .withCommand(List.of("/usr/local/bin/etcd",
                        "--name=" + name,
                        "--data-dir=/etcd-data",
                        "--listen-client-urls=http://0.0.0.0:2379",
                        "--advertise-client-urls=" + endpoint(),
                        "--listen-peer-urls=http://0.0.0.0:2380",
                        "--initial-advertise-peer-urls=" + peerUrl(name),
                        "--initial-cluster=" + initialCluster,
                        "--initial-cluster-state=new",
                        "--initial-cluster-token=" + clusterToken,
                        "--heartbeat-interval=" + LocalEtcdMember.HEARTBEAT_MS,
                        "--election-timeout=" + LocalEtcdMember.ELECTION_TIMEOUT_MS).toArray(String[]::new))
                // members only serve clients once a quorum exists, so the cluster, not each
                // container, waits for health (see EtcdCluster)
                .waitingFor(new NoWait());
    }

    static String peerUrl(String name) {
        return "http://" + name + ":2380";
    }

    @Override
    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    @Override
    public void start() {
        if (!created) {
            container.start();
            created = true;
        } else {
            docker().startContainerCmd(container.getContainerId()).exec();
        }
    }

    @Override
    public void stop() {
        if (isRunning()) {
            resume();
            docker().stopContainerCmd(container.getContainerId()).withTimeout(10).exec();
        }
    }

    @Override
    public void kill() {
        if (isRunning()) {
            resume();
            docker().killContainerCmd(container.getContainerId()).exec();
        }
    }

    @Override
    public void pause() {
        docker().pauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void resume() {
        if (Boolean.TRUE.equals(docker().inspectContainerCmd(container.getContainerId()).exec().getState().getPaused())) {
            docker().unpauseContainerCmd(container.getContainerId()).exec();
        }
    }

    @Override
    public boolean isRunning() {
        return created && Boolean.TRUE.equals(
                docker().inspectContainerCmd(container.getContainerId()).exec().getState().getRunning());
    }

    @Override
    public String logTail() {
        String logs = created ? container.getLogs() : "";
        String[] lines = logs.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
    }

    @Override
    public void destroy() {
        if (created) {
            container.stop();
        }
    }

    private DockerClient docker() {
        return container.getDockerClient();
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
