package dtable.testsupport;

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
public final class MariaDbExtension extends ClassScopedServer<MariaDbServer> {

    private volatile String database;

    private MariaDbExtension() {
        super("MariaDB");
    }

    public static MariaDbExtension create() {
        return new MariaDbExtension();
    }

    @Override
    protected MariaDbServer open() {
        MariaDbServer started = MariaDbServer.start();
        try {
            database = started.createDatabase();
            return started;
        } catch (RuntimeException | Error e) {
            started.close();
            throw e;
        }
    }

    /** The running server, for fault injection (stop, start, kill) and extra databases. */
    public MariaDbServer server() {
        return running();
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
