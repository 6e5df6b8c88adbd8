package dtable.testsupport;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A real MariaDB server for integration tests.
 *
 * <p>Runs {@code mariadbd} from the installed binaries ({@code /usr/sbin/mariadbd},
 * {@code mariadb-install-db}, {@code mariadb}) with {@code --no-defaults} on a fresh data
 * directory and a free loopback port; when they are absent and Docker is available it runs the
 * {@code mariadb} image instead; when neither is available, {@link #start()} aborts the calling
 * test (JUnit assumption failure) naming what to install.
 *
 * <p>A user {@value #USER}/{@value #PASSWORD} with all privileges exists for the code under test;
 * {@link #jdbcUrl(String)} is meant for mysql-connector-j. {@link #stop()}, {@link #kill()} and
 * {@link #restart()} let fault tests restart the server on the same data and port. All methods are
 * synchronized. {@link #close()} stops the server and deletes its directory (kept when the system
 * property {@code dtable.testsupport.keep} is {@code true}).
 */
public final class MariaDbServer implements AutoCloseable {

    public static final String USER = "dtable";
    public static final String PASSWORD = "dtable";

    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private final MariaDbBackend backend;
    private final Path directory;
    private boolean closed;

    private MariaDbServer(MariaDbBackend backend, Path directory) {
        this.backend = backend;
        this.directory = directory;
    }

    /**
     * Initialises and starts a server and creates the {@value #USER} user.
     *
     * @throws org.opentest4j.TestAbortedException when neither the binaries nor Docker are available
     * @throws IllegalStateException when the server does not come up; the message has its log tail
     */
    public static MariaDbServer start() {
        Optional<List<Path>> binaries = Binaries.findAll("mariadbd", "mariadb-install-db", "mariadb");
        MariaDbServer server;
        if (binaries.isPresent()) {
            Path dir = ProcessReaper.temporaryDirectory("mariadb");
            List<Path> bin = binaries.get();
            server = new MariaDbServer(new LocalMariaDb(bin.get(0), bin.get(1), bin.get(2), dir), dir);
        } else if (Docker.available()) {
            server = new MariaDbServer(new ContainerMariaDb(), null);
        } else {
            Assumptions.abort("MariaDB is not installed and Docker is not available: install MariaDB "
                    + "(Debian: apt-get install mariadb-server mariadb-client) or start a Docker engine");
            throw new AssertionError("unreachable");
        }
        try {
            server.backend.start();
            server.execute(null, "CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'; "
                    + "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION; FLUSH PRIVILEGES;");
            return server;
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }


    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return backend.port();
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    /** Creates database {@code name} (utf8mb4) if absent and returns the name. */
    public synchronized String createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database name must match " + DATABASE_NAME + ": " + name);
        }
        execute(null, "CREATE DATABASE IF NOT EXISTS `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        return name;
    }

    /** Creates a database with a fresh unique name and returns the name. */
    public String createDatabase() {
        return createDatabase("test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
    }

    /** A mysql-connector-j URL for {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:mysql://" + host() + ":" + port() + "/" + database
                + "?sslMode=DISABLED&allowPublicKeyRetrieval=true&connectTimeout=5000";
    }

    /**
     * Runs SQL as root through the command-line client (no JDBC driver needed) and returns its
     * tab-separated output without column names; {@code database} may be null.
     *
     * @throws IllegalStateException when the client reports an error
     */
    public synchronized String execute(String database, String sql) {
        Commands.Result result = backend.sql(database, sql);
        if (!result.ok()) {
            throw new IllegalStateException("SQL failed (exit " + result.exitCode() + "): " + sql + "\n" + result.output());
        }
        return result.output();
    }

    /** Graceful shutdown (SIGTERM), waiting until the server has exited. Data stays. */
    public synchronized void stop() {
        backend.stop();
    }

    /**
     * Starts the server again on the same data and port after {@link #stop()} or {@link #kill()}
     * (stopping it gracefully first when it is running); waits until it accepts connections.
     * (Named {@code restart} because {@code start()} is the static factory.)
     */
    public synchronized void restart() {
        if (backend.isRunning()) {
            backend.stop();
        }
        backend.start();
    }

    /** SIGKILL: the next {@link #restart()} runs InnoDB crash recovery. */
    public synchronized void kill() {
        backend.kill();
    }

    /** SIGSTOP: the server keeps its connections open but answers nothing. */
    public synchronized void pause() {
        backend.pause();
    }

    /** SIGCONT after {@link #pause()}. */
    public synchronized void resume() {
        backend.resume();
    }

    public synchronized boolean isRunning() {
        return backend.isRunning();
    }

    /** The end of the server's log, for failure messages. */
    public String logTail() {
        return backend.logTail();
    }

    /** The temporary directory (data, socket, log); null when running in a container. */
    public Path directory() {
        return directory;
    }

    /** Stops the server and deletes its directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            backend.destroy();
        } finally {
            if (directory != null && !Boolean.getBoolean("dtable.testsupport.keep")) {
                ProcessReaper.deleteDirectory(directory);
            }
        }
    }

    @Override
    public String toString() {
        return "MariaDbServer{" + host() + ":" + port() + "}";
    }
}
