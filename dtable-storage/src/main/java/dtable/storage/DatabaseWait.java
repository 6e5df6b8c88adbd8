package dtable.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits at start-up until MySQL accepts a connection, so that a service started before its database
 * (docker-compose, Kubernetes: no start order) waits instead of dying. It logs one line when it starts
 * waiting, one every {@link #LOG_EVERY} while it still waits, and one when the database answers.
 *
 * <p>Only a failure to reach the server is waited out: SQLSTATE class {@code 08} (connection exception,
 * which is also what an unknown host or a refused port gives) or no SQLSTATE at all. Anything else, such
 * as a wrong password ({@code 28000}) or an unknown database ({@code 42000}), is a configuration error
 * that waiting cannot fix: it is thrown at once.
 *
 * <p>Not thread-safe; meant to be called once, on the start-up thread.
 */
public final class DatabaseWait {

    /** Pause between attempts. */
    public static final Duration RETRY_EVERY = Duration.ofSeconds(2);
    /** How often a still-waiting service says so again. */
    public static final Duration LOG_EVERY = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(DatabaseWait.class);

    /** Sleeps between attempts; a seam for tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Sleeper sleeper;

    public DatabaseWait(Sleeper sleeper) {
        this.sleeper = sleeper;
    }

    /** Waits with real sleeps; see {@link #await(DataSource, String)}. */
    public static void awaitDatabase(DataSource dataSource, String where) {
        new DatabaseWait(duration -> Thread.sleep(duration.toMillis())).await(dataSource, where);
    }

    /**
     * Returns once {@code dataSource} hands out a connection.
     *
     * @param where what is waited for, for the log line, e.g. {@code "dtable_db at mariadb:3306"}
     * @return the attempts it took (1 when the database answered at once)
     * @throws IllegalStateException when the failure is not a connection failure, or the thread is interrupted
     */
    public int await(DataSource dataSource, String where) {
        long waitedNanos = 0;
        long lastLog = -1;
        for (int attempt = 1; ; attempt++) {
            try (Connection ignored = dataSource.getConnection()) {
                if (attempt > 1) {
                    log.info("MySQL ({}) answers after {} attempts", where, attempt);
                }
                return attempt;
            } catch (SQLException e) {
                if (!isConnectionFailure(e)) {
                    throw new IllegalStateException("MySQL (" + where + ") refused the connection: " + rootMessage(e), e);
                }
                if (lastLog < 0 || waitedNanos - lastLog >= LOG_EVERY.toNanos()) {
                    log.warn("waiting for MySQL ({}): {}; retrying every {} s", where, rootMessage(e),
                            RETRY_EVERY.toSeconds());
                    lastLog = waitedNanos;
                }
            }
            try {
                sleeper.sleep(RETRY_EVERY);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for MySQL (" + where + ")", e);
            }
            waitedNanos += RETRY_EVERY.toNanos();
        }
    }

    /** True when some SQLException in the cause chain has SQLSTATE class 08, or none carries a SQLSTATE. */
    static boolean isConnectionFailure(SQLException e) {
        boolean anyState = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                anyState = true;
                if (sql.getSQLState().startsWith("08")) {
                    return true;
                }
            }
        }
        return !anyState;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
