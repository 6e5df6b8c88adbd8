package dtable.monitor.generation;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dtable.core.config.MysqlSettings;
import dtable.storage.ClusterGenerationTable;
import dtable.storage.Schema;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/**
 * {@link GenerationLedger} over MySQL ({@code cluster_generation}, {@code dtables}) through a small pool of its
 * own. The schema is migrated on first use, not at start-up, so the monitor starts (and follows, and fails
 * over nodes while etcd keeps its generation) even when MySQL is down. Thread-safe.
 */
public final class MysqlGenerationLedger implements GenerationLedger, AutoCloseable {

    private final HikariDataSource dataSource;
    private final ClusterGenerationTable table;
    private volatile boolean migrated;

    public MysqlGenerationLedger(MysqlSettings mysql) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("monitor-generation");
        config.setJdbcUrl(mysql.jdbcUrl() + "?connectTimeout=3000&socketTimeout=10000");
        config.setUsername(mysql.user());
        config.setPassword(mysql.password());
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(5000);
        config.setInitializationFailTimeout(-1); // start without MySQL; connect on first use
        this.dataSource = new HikariDataSource(config);
        this.table = new ClusterGenerationTable(dataSource);
    }

    @Override
    public long current() {
        return call("read the cluster generation", table::current);
    }

    @Override
    public boolean advance(long expected, long next) {
        if (next <= expected) {
            throw new IllegalArgumentException("a generation only grows: " + expected + " -> " + next);
        }
        return call("advance the cluster generation", () -> table.advance(expected, next));
    }

    @Override
    public long highestClaim() {
        return call("read the highest claim", table::highestClaim);
    }

    private <T> T call(String what, Callable<T> action) {
        try {
            if (!migrated) {
                synchronized (this) {
                    if (!migrated) {
                        Schema.migrate(dataSource);
                        migrated = true;
                    }
                }
            }
            return action.call();
        } catch (SQLException | RuntimeException e) {
            throw new LedgerUnavailableException("cannot " + what + " in MySQL: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new LedgerUnavailableException("cannot " + what + " in MySQL: " + e, e);
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
