package dtable.clustertest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Chooses {@code DEV_CLUSTER_PORT_OFFSET} for a private cluster: an offset at which every port bin/dev-cluster
 * uses (etcd client and peer ports, MariaDB, nodes, proxy, monitor, slave) and the second monitor's port are
 * free right now, so a developer's cluster on the default ports, or another suite, is never touched.
 */
final class PortOffsets {

    /** Ports of bin/dev-cluster at offset 0. */
    private static final int[] BASE_PORTS = {2379, 2380, 22379, 22380, 32379, 32380, 3307, 5000, 5001, 5550, 5555, 4000};

    private PortOffsets() {
    }

    /**
     * An offset in 20000..33100 at which every port of the cluster (and the extra monitor's) is free now.
     * Starts at a PID-dependent place so two suites started together rarely probe the same offsets.
     */
    static int free() {
        int slots = 132; // (33155 - 20000) / 100
        int start = (int) (ProcessHandle.current().pid() % slots);
        for (int i = 0; i < slots; i++) {
            int offset = 20000 + ((start + i) % slots) * 100;
            if (allFree(offset)) {
                return offset;
            }
        }
        throw new IllegalStateException("no port offset in 20000..33100 has all dev-cluster ports free");
    }

    private static boolean allFree(int offset) {
        for (int port : BASE_PORTS) {
            if (!isFree(port + offset)) {
                return false;
            }
        }
        return isFree(DevCluster.EXTRA_MONITOR_PORT + offset);
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
