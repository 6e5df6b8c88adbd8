package dtable.clustertest;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.bench.socket.SocketLoad;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The socket load generator of {@code benchmarks} (docs/benchmarks.md, "Socket load generator"), small:
 * 50 sockets on each framing held against a node, and operations fanned out to them, every socket
 * receiving every version in order. The 10,000-socket runs are benchmarks, not tests.
 */
@Tag("integration")
@ExtendWith(ClusterExtension.class)
class SocketLoadSmokeIT {

    @Test
    void holdsSocketsAndFansOutOnBothFramings(DevCluster cluster) throws Exception {
        String key = cluster.setting("DEV_CLUSTER_PRIVATE_KEY_FILE");
        String node = cluster.nodeUrl(DevCluster.NODE_1);
        for (String transport : new String[] {"ws", "socketio"}) {
            assertThat(SocketLoad.run("hold", "--key-file", key, "--url", node, "--transport", transport,
                    "--sockets", "50", "--bases", "5", "--hold", "3", "--rest-seconds", "1"))
                    .as("50 %s sockets held", transport).isTrue();
            assertThat(SocketLoad.run("rooms", "--key-file", key, "--url", node, "--transport", transport,
                    "--sockets", "50", "--bases", "5", "--rate", "0", "--warmup", "5", "--ops", "20", "--settle", "60"))
                    .as("operations fanned out to 50 %s sockets, in order", transport).isTrue();
        }
    }
}
