package dtable.testsupport;

import com.github.dockerjava.api.DockerClient;
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
final class ContainerMariaDb implements MariaDbBackend {

    static final String IMAGE = "mariadb:10.11";
    static final String ROOT_PASSWORD = "dtable-root";

    private final int port = Ports.free();
    private final FixedHostPortGenericContainer<?> container;
    private boolean created;

    @SuppressWarnings({"resource", "deprecation"})
    ContainerMariaDb() {
        this.container = new FixedHostPortGenericContainer<>(IMAGE)
                .withFixedExposedPort(port, 3306)
                .withEnv("MARIADB_ROOT_PASSWORD", ROOT_PASSWORD)
                .withCommand("--character-set-server=utf8mb4", "--max-connections=1000", "--max-allowed-packet=64M",
                        "--innodb-buffer-pool-size=256M", "--innodb-flush-log-at-trx-commit=1", "--max-allowed-packet=1G",
                        "--skip-name-resolve")
                // the entrypoint runs a temporary server first; the second "ready" line is the real one
                .waitingFor(Wait.forLogMessage(".*ready for connections.*", 2).withStartupTimeout(Duration.ofMinutes(3)));
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void start() {
        if (!created) {
            container.start();
            created = true;
            return;
        }
        docker().startContainerCmd(container.getContainerId()).exec();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!(Ports.isListening(port) && sql(null, "SELECT 1").ok())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("mariadb container not ready after restart; log:\n" + logTail());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for mariadb", e);
            }
        }
    }

    @Override
    public void stop() {
        if (isRunning()) {
            resume();
            docker().stopContainerCmd(container.getContainerId()).withTimeout(60).exec();
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

    @Override
    public String logTail() {
        String[] lines = (created ? container.getLogs() : "").split("\n");
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
}
