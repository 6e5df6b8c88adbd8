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
     * Applies every pending migration; a no-op on an up-to-date database. Waits first until the database
     * can be reached ({@link DatabaseWait}), so a service started before MySQL waits instead of failing.
     */
    public static void migrate(DataSource dataSource) {
        DatabaseWait.awaitDatabase(dataSource, "the configured database");
        Flyway.configure().dataSource(dataSource).locations(LOCATION).load().migrate();
    }
}
