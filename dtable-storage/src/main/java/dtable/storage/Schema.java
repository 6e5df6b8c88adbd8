package dtable.storage;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The cluster's MySQL schema: the Flyway migrations in {@code classpath:db/migration} of this module.
 * Every service that reads or writes the database depends on this module, so there is one list of
 * migrations and one place that numbers them. Flyway takes a lock in the database while it migrates,
 * so several services starting at once apply each migration exactly once.
 */
public final class Schema {

    /** Where the migrations live on the classpath (Spring Boot's default {@code spring.flyway.locations}). */
    public static final String LOCATION = "classpath:db/migration";

    private Schema() {
    }

    /**
     * Applies every pending migration; a no-op on an up-to-date database. It does not wait for the
     * database: an unreachable MySQL is an exception at once, because its callers decide how to wait
     * (dtable-server waits at start-up with {@link DatabaseWait}; the proxy retries in the background and
     * stops retrying when it closes; the monitor's generation ledger must fail fast so that a leader keeps
     * deciding from etcd while MySQL is down).
     */
    public static void migrate(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).locations(LOCATION).load().migrate();
    }
}
