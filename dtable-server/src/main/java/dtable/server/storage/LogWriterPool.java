package dtable.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The connections of the operation log's writers: a small pool of their own, made from the node's pool's
 * settings (URL, user, the {@code connection-init-sql} with {@code idle_write_transaction_timeout} that fencing
 * relies on, timeouts, driver properties), whose statements are prepared on the server.
 *
 * <p>Why: a group commit sends the same few statement shapes (the epoch check and a multi-row {@code INSERT}
 * for every batch size) thousands of times a second. Prepared on the client, each batch is a new SQL text of
 * escaped JSON that MariaDB parses again; prepared on the server, it is parsed once per shape and the values go
 * in binary. Measured on the dev cluster (docs/benchmarks.md): MariaDB's CPU per write 32-37 µs → 25 µs.
 *
 * <p>Only these connections do it, because every prepared statement stays allocated in MariaDB until it is
 * closed, and the server caps them for all its clients ({@code max_prepared_stmt_count}, 16,382 by default):
 * here at most {@link #STATEMENTS_PER_CONNECTION} for each of the writers' connections, against the same for
 * each of the 16 of the node's pool if the whole node did it.
 */
public final class LogWriterPool implements AutoCloseable {

    /** The driver's cache of server statements per connection: every batch size of both statements fits. */
    static final int STATEMENTS_PER_CONNECTION = 256;
    /** Longest statement text it caches: the epoch check and the INSERT for 64 operations are about 2 KB each. */
    static final int CACHED_SQL_CHARS = 8192;

    private final DataSource dataSource;
    /** The pool this made, or null when the writers use the node's pool. */
    private final HikariDataSource own;

    private LogWriterPool(DataSource dataSource, HikariDataSource own) {
        this.dataSource = dataSource;
        this.own = own;
    }

    /**
     * The writers' connections for a node whose pool is {@code node}: their own pool when it is Hikari's (the
     * node's is), else the node's pool itself. Close it after the operation log.
     */
    public static LogWriterPool of(DataSource node, int connections, MeterRegistry meters) {
        if (node instanceof HikariDataSource hikari) {
            HikariDataSource own = from(hikari, connections, meters);
            return new LogWriterPool(own, own);
        }
        return new LogWriterPool(node, null);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        if (own != null) {
            own.close();
        }
    }

    /** A pool of {@code connections} (one per writer) with {@code node}'s settings and server-side statements. */
    static HikariDataSource from(HikariDataSource node, int connections, MeterRegistry meters) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("log-writers");
        config.setJdbcUrl(node.getJdbcUrl());
        if (node.getDriverClassName() != null) {
            config.setDriverClassName(node.getDriverClassName());
        }
        config.setUsername(node.getUsername());
        config.setPassword(node.getPassword());
        config.setConnectionInitSql(node.getConnectionInitSql());
        config.setConnectionTimeout(node.getConnectionTimeout());
        config.setValidationTimeout(node.getValidationTimeout());
        config.setInitializationFailTimeout(-1);
        config.setMaxLifetime(node.getMaxLifetime());
        config.setMaximumPoolSize(Math.max(1, connections));
        config.setMinimumIdle(Math.max(1, connections));
        Properties properties = new Properties();
        properties.putAll(node.getDataSourceProperties());
        properties.setProperty("useServerPrepStmts", "true");
        properties.setProperty("cachePrepStmts", "true");
        properties.setProperty("prepStmtCacheSize", Integer.toString(STATEMENTS_PER_CONNECTION));
        properties.setProperty("prepStmtCacheSqlLimit", Integer.toString(CACHED_SQL_CHARS));
        config.setDataSourceProperties(properties);
        config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
        return new HikariDataSource(config);
    }
}
