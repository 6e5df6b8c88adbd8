package dtable.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * One MariaDB server as {@link MariaDbServer} drives it: a local {@code mariadbd} process or, as a
 * fallback, a container. Keeps its data between {@link #stop()} and {@link #start()}.
 */
interface MariaDbBackend extends ServerProcess {

    /** Loopback TCP port; the same across restarts. */
    int port();

    /** Starts (or restarts) the server and waits until it accepts connections (after a kill InnoDB recovers first). */
    @Override
    void start();

    /** Runs SQL as root with the command-line client; {@code database} may be null. */
    Commands.Result sql(String database, String sql);

    /**
     * Waits until the server answers SQL on its port; fails with the log's end when {@code alive} turns false
     * (the process exited) or after {@code timeout}.
     */
    default void awaitAnswering(Duration timeout, BooleanSupplier alive) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!(Ports.isListening(port()) && sql(null, "SELECT 1").ok())) {
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException("mariadb exited during start (port " + port() + "); log:\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("mariadb not ready after " + timeout + " (port " + port() + "); log:\n"
                        + logTail());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for mariadb", e);
            }
        }
    }
}
