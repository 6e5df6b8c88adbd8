package dtable.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An etcd member run from the local binary, with its own data directory and log file under the
 * cluster's temporary directory. Restarting reuses the data directory, so the member rejoins with
 * its identity (the {@code --initial-cluster*} flags are ignored once the data exists).
 * Guarded by the owning {@link EtcdCluster}'s monitor; not thread-safe on its own.
 */
final class LocalEtcdMember extends LocalServerProcess implements EtcdMember {

    // Real-world defaults (100 ms / 1 s) are already small; smaller values cause spurious
    // elections on a loaded two-core test machine, which makes fault tests flaky, not faster.
    static final int HEARTBEAT_MS = 100;
    static final int ELECTION_TIMEOUT_MS = 1000;

    private final Path binary;
    private final String name;
    private final int clientPort;
    private final int peerPort;
    private final Path dataDir;
    private final Path workDir;
    private final String initialCluster;
    private final String clusterToken;

    LocalEtcdMember(Path binary, String name, int clientPort, int peerPort, Path workDir, String initialCluster,
            String clusterToken) {
        super(name, workDir.resolve(name + ".log"), Duration.ofSeconds(10));
        this.binary = binary;
        this.name = name;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.workDir = workDir;
        this.dataDir = workDir.resolve(name + ".data");
        this.initialCluster = initialCluster;
        this.clusterToken = clusterToken;
    }

    static String peerUrl(int peerPort) {
        return "http://127.0.0.1:" + peerPort;
    }

    @Override
    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    @Override
    public void start() {
        List<String> command = List.of(binary.toString(),
                "--name=" + name,
                "--data-dir=" + dataDir,
                "--listen-client-urls=" + endpoint(),
                "--advertise-client-urls=" + endpoint(),
                "--listen-peer-urls=" + peerUrl(peerPort),
                "--initial-advertise-peer-urls=" + peerUrl(peerPort),
                "--initial-cluster=" + initialCluster,
                "--initial-cluster-state=new",
                "--pre-vote",
                "--initial-cluster-token=" + clusterToken,
                "--heartbeat-interval=" + HEARTBEAT_MS,
                "--election-timeout=" + ELECTION_TIMEOUT_MS,
                "--logger=zap",
                "--log-outputs=stderr");
        launch(command, workDir);
    }

    @Override
    public void deleteData() {
        if (isRunning()) {
            throw new IllegalStateException(name + " must be stopped before its data is deleted");
        }
        try (var paths = java.nio.file.Files.walk(dataDir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(path);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // never started: nothing to delete
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot delete " + dataDir, e);
        }
    }

    long pid() {
        return requireRunning().pid();
    }
}
