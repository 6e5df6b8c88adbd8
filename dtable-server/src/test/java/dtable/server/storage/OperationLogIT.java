package dtable.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.core.bucket.BaseUuid;
import dtable.server.StorageFixture;
import dtable.testsupport.MariaDbExtension;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
        try (OperationLog log = new OperationLog(faulty(storage.dataSource, true, false), 16, 0, size -> { })) {
            CompletableFuture<Void> done = append(log, uuid, 1);

            done.get(30, TimeUnit.SECONDS); // completes normally: the commit went through
            assertThat(storage.log(BaseUuid.parse(uuid))).hasSize(1);
        }
    }

    @Test
    void aBatchThatCouldNotStartIsARefusalAndNothingIsLogged() throws Exception {
        String uuid = newBase();
        try (OperationLog log = new OperationLog(faulty(storage.dataSource, false, true), 16, 0, size -> { })) {
            CompletableFuture<Void> done = append(log, uuid, 1);

            assertThatThrownBy(() -> done.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isExactlyInstanceOf(StorageException.class);
            assertThat(storage.log(BaseUuid.parse(uuid))).isEmpty();
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
     * {@code real} with connections whose {@code close()} fails after returning them (as Hikari's does when
     * resetting autocommit on a connection MySQL just dropped) or whose {@code setAutoCommit(false)} fails
     * before anything is sent.
     */
    private static DataSource faulty(DataSource real, boolean failClose, boolean failBegin) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> method.getName().equals("getConnection")
                        ? faulty(real.getConnection(), failClose, failBegin) : invoke(real, method, args));
    }

    private static Connection faulty(Connection connection, boolean failClose, boolean failBegin) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (failBegin && method.getName().equals("setAutoCommit") && Boolean.FALSE.equals(args[0])) {
                        throw new SQLException("injected: connection broke before the batch");
                    }
                    Object result = invoke(connection, method, args);
                    if (failClose && method.getName().equals("close")) {
                        throw new SQLException("injected: resetting the connection failed");
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
