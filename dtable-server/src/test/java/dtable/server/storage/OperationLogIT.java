package dtable.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.server.StorageFixture;
import dtable.testsupport.MariaDbExtension;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How the log writer answers failures around a real MariaDB: what happened after the commit cannot turn
 * a durable batch into a refusal (which the proxy would retry into a duplicate), and a batch that never
 * reached MySQL is a refusal.
 */
@Tag("integration")
class OperationLogIT {

    @RegisterExtension
    static final MariaDbExtension MARIADB = MariaDbExtension.create();

    private static StorageFixture storage;

    @BeforeAll
    static void start() {
        storage = new StorageFixture(MARIADB.jdbcUrl(), MARIADB.user(), MARIADB.password());
    }

    @AfterAll
    static void stop() {
        storage.close();
    }

    @Test
    void aBatchThatCommittedIsAcknowledgedEvenWhenReturningItsConnectionFails() throws Exception {
        String uuid = newBase();
        AtomicBoolean failClose = new AtomicBoolean(true);
        try (OperationLog log = new OperationLog(faulty(storage.dataSource, failClose, new AtomicBoolean()), 16, 0,
                size -> { })) {
            CompletableFuture<Void> done = append(log, uuid, 1);

            done.get(30, TimeUnit.SECONDS); // completes normally: the commit went through
            assertThat(storage.log(dtable.core.bucket.BaseUuid.parse(uuid))).hasSize(1);
        }
    }

    @Test
    void aBatchThatCouldNotStartIsARefusalAndNothingIsLogged() throws Exception {
        String uuid = newBase();
        AtomicBoolean failBegin = new AtomicBoolean(true);
        try (OperationLog log = new OperationLog(faulty(storage.dataSource, new AtomicBoolean(), failBegin), 16, 0,
                size -> { })) {
            CompletableFuture<Void> done = append(log, uuid, 1);

            assertThatThrownBy(() -> done.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isExactlyInstanceOf(StorageException.class);
            assertThat(storage.log(dtable.core.bucket.BaseUuid.parse(uuid))).isEmpty();
        }
    }

    private static String newBase() {
        String uuid = UUID.randomUUID().toString();
        assertThat(storage.store.create(uuid, "node-a", 1, null, 0, 0)).isTrue();
        return uuid;
    }

    private static CompletableFuture<Void> append(OperationLog log, String uuid, long version) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        log.append(new OperationLog.Append(new Object(), uuid, "node-a", 1, version, System.currentTimeMillis(),
                "tester", null, "{\"op_type\":\"insert_row\"}", 1, done));
        return done;
    }

    /**
     * Connections of {@code real} whose {@code close()} fails after returning them (as Hikari's does when
     * resetting autocommit on a connection MySQL just dropped) and whose {@code setAutoCommit(false)} fails
     * before anything is sent, when the flags say so.
     */
    private static DataSource faulty(DataSource real, AtomicBoolean failClose, AtomicBoolean failBegin) {
        return new DataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                Connection connection = real.getConnection();
                return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                            if (method.getName().equals("setAutoCommit") && Boolean.FALSE.equals(args[0])
                                    && failBegin.get()) {
                                throw new SQLException("injected: connection broke before the batch");
                            }
                            Object result;
                            try {
                                result = method.invoke(connection, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                            if (method.getName().equals("close") && failClose.get()) {
                                throw new SQLException("injected: resetting the connection failed");
                            }
                            return result;
                        });
            }

            @Override
            public Connection getConnection(String username, String password) throws SQLException {
                return getConnection();
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {
            }

            @Override
            public void setLoginTimeout(int seconds) {
            }

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public Logger getParentLogger() throws SQLFeatureNotSupportedException {
                throw new SQLFeatureNotSupportedException();
            }

            @Override
            public <T> T unwrap(Class<T> type) throws SQLException {
                throw new SQLException("not a wrapper");
            }

            @Override
            public boolean isWrapperFor(Class<?> type) {
                return false;
            }
        };
    }
}
