package dtable.clustertest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Evidence for hangs: when a client request is stuck far longer than any designed wait, thread dumps of
 * the nodes and the proxy ({@code jcmd <pid> Thread.dump_to_file}, virtual threads included) and MariaDB's
 * process list and InnoDB transactions and lock waits are written next to the scenario table, once per
 * scenario, so the report can say where the request was held.
 *
 * <p>Thread-safe: the first caller per instance dumps, the others return at once.
 */
final class Diagnostics {

    private final DevCluster cluster;
    private final String label;
    private final AtomicBoolean dumped = new AtomicBoolean();

    Diagnostics(DevCluster cluster, String label) {
        this.cluster = cluster;
        this.label = label;
    }

    /** Dumps the threads of both nodes and the proxy (first call only). */
    void slowRequest(String what) {
        if (!dumped.compareAndSet(false, true)) {
            return;
        }
        Path dir = Path.of("target", "cluster-tests", "dumps", label.replaceAll("[^A-Za-z0-9#._-]", "_"));
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("reason.txt"), what + "\n");
            for (String component : List.of(DevCluster.NODE_1, DevCluster.NODE_2, "proxy")) {
                OptionalLong pid = cluster.pid(component);
                if (pid.isEmpty()) {
                    continue;
                }
                // Thread.dump_to_file includes virtual threads (the nodes' request handlers); Thread.print does not
                Path dump = dir.resolve(component + ".threads.txt").toAbsolutePath();
                run(dir.resolve(component + ".jcmd.txt"), jcmd.toString(), Long.toString(pid.getAsLong()),
                        "Thread.dump_to_file", "-overwrite", dump.toString());
            }
            // who holds and who waits for InnoDB locks (root over the Unix socket: the dtable user lacks PROCESS)
            run(dir.resolve("mariadb.txt"), "mariadb", "--no-defaults", "--socket=" + cluster.setting("MYSQL_SOCKET"),
                    "-uroot", "--connect-timeout=5", "-e", "SHOW FULL PROCESSLIST; SELECT * FROM information_schema.INNODB_TRX\\G;"
                            + " SELECT * FROM information_schema.INNODB_LOCK_WAITS\\G; SELECT * FROM information_schema.INNODB_LOCKS\\G");
            System.out.println("DIAGNOSTICS " + label + ": " + what + " -> thread dumps in " + dir.toAbsolutePath());
        } catch (IOException e) {
            System.err.println("thread dumps failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run(Path output, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
