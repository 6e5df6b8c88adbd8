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

    /** Ports of bin/dev-cluster at offset 0 (its topology table). */
    static final int[] BASE_PORTS = Topology.BASE.ports().stream().mapToInt(Integer::intValue).toArray();

    private PortOffsets() {
    }

    /** Lowest offset handed out: keeps clear of a developer's cluster and of the usual service ports. */
    static final int FIRST = 20000;

    /**
     * Highest offset handed out. Linux gives outgoing connections source ports from 32768 up
     * ({@code net.ipv4.ip_local_port_range}); a service restarted in a scenario on a port in that range can
     * find it taken by some client's connection ("Port ... was already in use", seen once in CI for the
     * second monitor at 35856). Up to this offset every HTTP port (the extra monitor's 5556 is the highest),
     * MariaDB and etcd-1 stay below 32768; etcd-2 and etcd-3 (22379, 32379 at offset 0) cannot.
     */
    static final int LAST = 27200;

    /**
     * An offset in {@link #FIRST}..{@link #LAST} at which every port of the cluster (and the extra monitor's)
     * is free now. Starts at a PID-dependent place so two suites started together rarely probe the same offsets.
     */
    static int free() {
        int slots = (LAST - FIRST) / 100 + 1;
        int start = (int) (ProcessHandle.current().pid() % slots);
        for (int i = 0; i < slots; i++) {
            int offset = FIRST + ((start + i) % slots) * 100;
            if (allFree(offset)) {
                return offset;
            }
        }
        throw new IllegalStateException("no port offset in " + FIRST + ".." + LAST + " has all dev-cluster ports free");
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
