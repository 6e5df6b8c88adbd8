package dtable.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.FixedHostPortGenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The fallback when the MariaDB binaries are absent but Docker is available: the official image,
 * its port bound to a fixed loopback port so a restarted container keeps its address.
 *
 * <p>A plain container rather than Testcontainers' {@code MariaDBContainer}: that one waits with a
 * JDBC query through MariaDB's own driver, which the projects using this harness do not ship (they
 * use mysql-connector-j); waiting for the server's "ready" log line needs no driver.
 * Not thread-safe on its own.
 */
final class ContainerMariaDb extends ContainerServerProcess implements MariaDbBackend {

    static final String IMAGE = "mariadb:10.11";
    static final String ROOT_PASSWORD = "dtable-root";

    private final int port;

    ContainerMariaDb() {
        this(Ports.free());
    }

    @SuppressWarnings({"resource", "deprecation"})
    private ContainerMariaDb(int port) {
        super(new FixedHostPortGenericContainer<>(IMAGE)
                .withFixedExposedPort(port, 3306)
                .withEnv("MARIADB_ROOT_PASSWORD", ROOT_PASSWORD)
                .withCommand("--character-set-server=utf8mb4", "--max-connections=1000", "--max-allowed-packet=64M",
                        "--innodb-buffer-pool-size=256M", "--innodb-flush-log-at-trx-commit=1", "--max-allowed-packet=1G",
                        "--skip-name-resolve")
                // the entrypoint runs a temporary server first; the second "ready" line is the real one
                .waitingFor(Wait.forLogMessage(".*ready for connections.*", 2).withStartupTimeout(Duration.ofMinutes(3))),
                Duration.ofSeconds(60));
        this.port = port;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    protected void afterRestart() {
        awaitAnswering(Duration.ofSeconds(90), () -> true);
    }

    @Override
    public Commands.Result sql(String database, String sql) {
        List<String> command = new ArrayList<>(List.of("mariadb", "--user=root", "--password=" + ROOT_PASSWORD,
                "--batch", "--skip-column-names", "--execute=" + sql));
        if (database != null) {
            command.add(database);
        }
        try {
            Container.ExecResult result = container.execInContainer(command.toArray(String[]::new));
            return new Commands.Result(result.getExitCode(), result.getStdout() + result.getStderr());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Commands.Result(-1, e.toString());
        }
    }
}
