package dtable.proxy.apitoken;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dtable.core.config.MysqlSettings;
import dtable.core.token.TokenService;
import dtable.storage.Schema;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the proxy's token endpoints need and may lack: the signing key ({@code private_key}) and the
 * MySQL store of API tokens. Both are optional in the proxy's configuration, so that a proxy used only
 * for routing starts without them; the endpoints then answer 503 naming the missing setting.
 *
 * <p>The schema is brought up to date by the proxy itself ({@link Schema#migrate}, which Flyway
 * serialises with a database lock against servers migrating at the same time). MySQL may come up
 * after the proxy, so the migration runs on a thread of its own and is retried every two seconds
 * until it succeeds; until then the store reports itself not ready. Thread-safe.
 */
public final class ApiTokenBackend implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiTokenBackend.class);
    private static final Duration MIGRATE_RETRY = Duration.ofSeconds(2);

    private final Optional<TokenService> tokens;
    private final HikariDataSource pool;
    private final ApiTokenStore store;
    private volatile boolean ready;
    private volatile String notReadyBecause = "the api_tokens table is being created";
    private volatile boolean closed;

    private ApiTokenBackend(Optional<TokenService> tokens, HikariDataSource pool) {
        this.tokens = tokens;
        this.pool = pool;
        this.store = pool == null ? null : new ApiTokenStore(pool);
    }

    /** Starts the backend; with MySQL settings the migration begins in the background at once. */
    public static ApiTokenBackend start(Optional<String> privateKey, Optional<MysqlSettings> mysql) {
        Optional<TokenService> tokens = privateKey.map(key -> new TokenService(key, Clock.systemUTC()));
        HikariDataSource pool = mysql.map(ApiTokenBackend::pool).orElse(null);
        ApiTokenBackend backend = new ApiTokenBackend(tokens, pool);
        if (pool != null) {
            Thread.ofVirtual().name("api-token-schema").start(backend::migrateUntilDone);
        }
        return backend;
    }

    private static HikariDataSource pool(MysqlSettings mysql) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(mysql.jdbcUrl());
        config.setUsername(mysql.user());
        config.setPassword(mysql.password());
        config.setPoolName("api-tokens");
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(3_000);
        config.setInitializationFailTimeout(-1); // MySQL may start after the proxy
        return new HikariDataSource(config);
    }

    private void migrateUntilDone() {
        while (!closed) {
            try {
                Schema.migrate(pool);
                ready = true;
                log.info("api_tokens table ready");
                return;
            } catch (RuntimeException e) {
                notReadyBecause = "MySQL is not reachable yet: " + e.getMessage();
                log.warn("cannot migrate the schema yet ({}); retrying in {} s", e.getMessage(),
                        MIGRATE_RETRY.toSeconds());
                try {
                    Thread.sleep(MIGRATE_RETRY);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** The signing key's token service. @throws Unavailable when {@code private_key} is not set */
    public TokenService tokens() {
        return tokens.orElseThrow(() -> new Unavailable(
                "private_key is not set in dtable_server_proxy_config.json; the proxy cannot check or issue tokens"));
    }

    /** The token store. @throws Unavailable without MySQL settings or before the table exists */
    public ApiTokenStore store() {
        if (store == null) {
            throw new Unavailable("API tokens need MySQL: set host, port, user, password and database in "
                    + "dtable_server_proxy_config.json");
        }
        if (!ready) {
            throw new Unavailable("API tokens are not available yet: " + notReadyBecause);
        }
        return store;
    }

    @Override
    public void close() {
        closed = true;
        if (pool != null) {
            pool.close();
        }
    }

    /** A missing setting or a database not ready yet: 503 with this message. */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String message) {
            super(message);
        }
    }
}
