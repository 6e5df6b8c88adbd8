package dtable.testsupport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a {@link MariaDbServer} with one fresh database for the duration of one test class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static MariaDbExtension mariadb = MariaDbExtension.create();
 * ...
 * DataSource ds = pool(mariadb.jdbcUrl(), mariadb.user(), mariadb.password());
 * }</pre>
 *
 * <p>Register it on a <em>static</em> field: the server starts, and {@link #database()} is created,
 * before the first test of the class; the server is closed after the last. Tests that need more
 * databases call {@code server().createDatabase()}. When neither the MariaDB binaries nor Docker
 * are available the class's tests are aborted (skipped), not failed.
 */
public final class MariaDbExtension implements BeforeAllCallback, AfterAllCallback {

    private volatile MariaDbServer server;
    private volatile String database;

    private MariaDbExtension() {
    }

    public static MariaDbExtension create() {
        return new MariaDbExtension();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        MariaDbServer started = MariaDbServer.start();
        server = started;
        database = started.createDatabase();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        MariaDbServer running = server;
        server = null;
        database = null;
        if (running != null) {
            running.close();
        }
    }

    /** The running server, for fault injection (stop, start, kill) and extra databases. */
    public MariaDbServer server() {
        MariaDbServer running = server;
        if (running == null) {
            throw new IllegalStateException("MariaDB is not running: register MariaDbExtension on a static field "
                    + "with @RegisterExtension and use it inside the test class's lifecycle");
        }
        return running;
    }

    /** The name of the database created for this test class. */
    public String database() {
        server();
        return database;
    }

    /** A mysql-connector-j URL of {@link #database()}. */
    public String jdbcUrl() {
        return server().jdbcUrl(database());
    }

    public String user() {
        return server().user();
    }

    public String password() {
        return server().password();
    }

    public String host() {
        return server().host();
    }

    public int port() {
        return server().port();
    }
}
