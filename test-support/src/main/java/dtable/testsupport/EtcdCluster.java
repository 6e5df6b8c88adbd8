package dtable.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.containers.Network;

/**
 * A real etcd cluster of 1 or 3 members for integration tests.
 *
 * <p>Runs {@code etcd} processes from the installed binary (Debian: {@code /usr/bin/etcd}) on free
 * loopback ports in a fresh temporary directory, with one log file per member there. When the
 * binary is absent and Docker is available it runs containers instead (Testcontainers); when
 * neither is available, {@link #start(int)} aborts the calling test (JUnit assumption failure) with
 * a message naming what to install.
 *
 * <p>Members are numbered from 0. {@link #endpoints()} lists every member, stopped or not, so a
 * client built from it keeps working across member restarts. Fault methods ({@code stopMember},
 * {@code killMember}, {@code pauseMember}, ...) act on one member and return once the signal is
 * delivered (stop and kill: once the process has exited). All methods are synchronized; the
 * cluster may be driven from any thread. {@link #close()} stops everything and deletes the
 * directory (kept when the system property {@code dtable.testsupport.keep} is {@code true}).
 */
public final class EtcdCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final List<EtcdMember> members;
    private final Path directory;
    private final Network network;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private boolean closed;

    private EtcdCluster(List<EtcdMember> members, Path directory, Network network) {
        this.members = members;
        this.directory = directory;
        this.network = network;
    }

    /**
     * Starts a cluster of {@code size} members (1 or 3) and waits until every member reports
     * healthy (it has a leader).
     *
     * @throws org.opentest4j.TestAbortedException when neither the etcd binary nor Docker is available
     * @throws IllegalStateException when a member does not become healthy; the message has its log tail
     */
    public static EtcdCluster start(int size) {
        if (size != 1 && size != 3) {
            throw new IllegalArgumentException("an etcd test cluster has 1 or 3 members, not " + size);
        }
        Optional<Path> binary = Binaries.find("etcd");
        EtcdCluster cluster;
        if (binary.isPresent()) {
            cluster = local(binary.get(), size);
        } else if (Docker.available()) {
            cluster = containers(size);
        } else {
            Assumptions.abort("etcd is not installed and Docker is not available: install etcd "
                    + "(Debian: apt-get install etcd-server etcd-client) or start a Docker engine");
            throw new AssertionError("unreachable");
        }
        try {
            cluster.startAll();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private static EtcdCluster local(Path binary, int size) {
        Path dir = ProcessReaper.temporaryDirectory("etcd");
        String token = "test-" + UUID.randomUUID();
        int[] clientPorts = new int[size];
        int[] peerPorts = new int[size];
        StringBuilder initialCluster = new StringBuilder();
        for (int i = 0; i < size; i++) {
            clientPorts[i] = Ports.free();
            peerPorts[i] = Ports.free();
            initialCluster.append(i == 0 ? "" : ",").append(memberName(i)).append('=')
                    .append(LocalEtcdMember.peerUrl(peerPorts[i]));
        }
        List<EtcdMember> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add(new LocalEtcdMember(binary, memberName(i), clientPorts[i], peerPorts[i], dir,
                    initialCluster.toString(), token));
        }
        return new EtcdCluster(members, dir, null);
    }

    private static EtcdCluster containers(int size) {
        Network network = Network.newNetwork();
        String token = "test-" + UUID.randomUUID();
        StringBuilder initialCluster = new StringBuilder();
        for (int i = 0; i < size; i++) {
            initialCluster.append(i == 0 ? "" : ",").append(memberName(i)).append('=')
                    .append(ContainerEtcdMember.peerUrl(memberName(i)));
        }
        List<EtcdMember> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            members.add(new ContainerEtcdMember(memberName(i), Ports.free(), network, initialCluster.toString(), token));
        }
        return new EtcdCluster(members, null, network);
    }

    private static String memberName(int i) {
        return "etcd-" + i;
    }


    private synchronized void startAll() {
        // all members start before any is awaited: a member of 3 only becomes healthy with a quorum
        members.forEach(EtcdMember::start);
        for (int i = 0; i < members.size(); i++) {
            awaitHealthy(i, START_TIMEOUT);
        }
    }

    /** Client URLs of all members, {@code http://127.0.0.1:PORT}, member 0 first. */
    public List<String> endpoints() {
        return members.stream().map(EtcdMember::endpoint).toList();
    }

    /** Client URL of member {@code i}. */
    public String endpoint(int i) {
        return member(i).endpoint();
    }

    public int size() {
        return members.size();
    }

    /** The temporary directory with data dirs and logs; null when running in containers. */
    public Path directory() {
        return directory;
    }

    /** SIGTERM member {@code i} and wait until it has exited. */
    public synchronized void stopMember(int i) {
        member(i).stop();
    }

    /** SIGKILL member {@code i}. */
    public synchronized void killMember(int i) {
        member(i).kill();
    }

    /** SIGSTOP member {@code i}: it keeps its sockets but answers nothing. */
    public synchronized void pauseMember(int i) {
        member(i).pause();
    }

    /** SIGCONT member {@code i} after {@link #pauseMember(int)}. */
    public synchronized void resumeMember(int i) {
        member(i).resume();
    }

    /** Restarts a stopped or killed member with its data dir and waits until it is healthy. */
    public synchronized void startMember(int i) {
        startMember(i, true);
    }

    /**
     * Restarts a stopped or killed member with its data dir; waits for health only when asked
     * (a member cannot become healthy while the cluster has no quorum).
     */
    public synchronized void startMember(int i, boolean awaitHealthy) {
        member(i).start();
        if (awaitHealthy) {
            awaitHealthy(i, START_TIMEOUT);
        }
    }

    /**
     * Loses every member's data: stops all members, deletes their data directories, starts them again
     * (same ports, same cluster token) and waits until all are healthy. etcd then starts over at
     * revision 1 with no keys and no leases, as after a rebuilt cluster or a compose {@code down}
     * without volumes. Local members only.
     *
     * @throws org.opentest4j.TestAbortedException when the members run in containers
     */
    public synchronized void wipe() {
        if (directory == null) {
            Assumptions.abort("wiping etcd's data needs local etcd members");
        }
        members.forEach(EtcdMember::stop);
        members.forEach(EtcdMember::deleteData);
        startAll();
    }

    public synchronized boolean isRunning(int i) {
        return member(i).isRunning();
    }

    /** True when member {@code i} answers its {@code /health} endpoint with healthy (it sees a leader). */
    public boolean isHealthy(int i) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(member(i).endpoint() + "/health"))
                    .timeout(Duration.ofSeconds(1)).GET().build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().replace(" ", "").contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until member {@code i} is healthy; throws with its log tail when it is not in time. */
    public void awaitHealthy(int i, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        EtcdMember member = member(i);
        while (!isHealthy(i)) {
            if (!member.isRunning()) {
                throw new IllegalStateException(member.endpoint() + " (" + memberName(i) + ") exited during start; log:\n"
                        + member.logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(memberName(i) + " not healthy after " + timeout + "; log:\n"
                        + member.logTail());
            }
            pollPause();
        }
    }

    /** The end of member {@code i}'s log. */
    public String logTail(int i) {
        return member(i).logTail();
    }

    private EtcdMember member(int i) {
        if (i < 0 || i >= members.size()) {
            throw new IndexOutOfBoundsException("member " + i + " of a cluster of " + members.size());
        }
        return members.get(i);
    }

    private static void pollPause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for etcd", e);
        }
    }

    /** Stops every member and deletes the directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (EtcdMember member : members) {
            try {
                member.destroy();
            } catch (RuntimeException e) {
                // keep stopping the others; a member that cannot be stopped is killed at JVM exit
            }
        }
        if (network != null) {
            network.close();
        }
        if (directory != null && !Boolean.getBoolean("dtable.testsupport.keep")) {
            ProcessReaper.deleteDirectory(directory);
        }
    }

    @Override
    public String toString() {
        return "EtcdCluster" + endpoints();
    }
}
