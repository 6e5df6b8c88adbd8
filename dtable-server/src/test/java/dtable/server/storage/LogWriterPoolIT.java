package dtable.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dtable.core.bucket.BaseUuid;
import dtable.server.StorageFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The log writers' pool keeps what fencing needs from the node's pool (its init SQL, hence
 * {@code idle_write_transaction_timeout}) and prepares its statements on the server, while the node's pool
 * is left as it was; group commits through it log every operation once, in order.
 */
@Tag("integration")
class LogWriterPoolIT {

    @RegisterExtension
    static final StorageFixture.OnMariaDb STORAGE = StorageFixture.onMariaDb();

    @Test
    void itTakesTheNodesSettingsAndPreparesOnTheServerWithoutChangingTheNodesPool() throws Exception {
        try (HikariDataSource node = nodePool(); LogWriterPool writers = LogWriterPool.of(node, 1, new SimpleMeterRegistry())) {
            assertThat(writers.dataSource()).isNotSameAs(node);
            try (Connection c = writers.dataSource().getConnection()) {
                assertThat(scalar(c, "SELECT @@SESSION.innodb_lock_wait_timeout")).as("the node's init SQL ran").isEqualTo(7);
                assertThat(serverPrepares(c)).as("statements prepared on the server").isPositive();
            }
            try (Connection c = node.getConnection()) {
                assertThat(serverPrepares(c)).as("the node's own pool still prepares on the client").isZero();
            }
            assertThat(node.getDataSourceProperties()).doesNotContainKey("useServerPrepStmts");
        }
    }

    @Test
    void aPoolThatIsNotHikarisIsUsedAsItIsAndNotClosed() {
        DataSource other = new DelegatingDataSource(STORAGE.get().dataSource);
        try (LogWriterPool writers = LogWriterPool.of(other, 1, new SimpleMeterRegistry())) {
            assertThat(writers.dataSource()).isSameAs(other);
        }
        assertThat(STORAGE.get().dataSource.isClosed()).isFalse();
    }

    @Test
    void groupCommitsThroughItLogEveryOperationOnceInOrder() throws Exception {
        String first = STORAGE.get().newLogBase();
        String second = STORAGE.get().newLogBase();
        try (LogWriterPool writers = LogWriterPool.of(STORAGE.get().dataSource, 1, new SimpleMeterRegistry());
                OperationLog log = new MysqlOperationLog(writers.dataSource(), 64, 0, size -> { })) {
            Object firstInstance = new Object();
            Object secondInstance = new Object();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            // batches of every size from 1 to 64 operations, over one and two bases: each is another statement text
            for (long version = 1; version <= 300; version++) {
                done.add(StorageFixture.appendInsert(log, firstInstance, first, version));
                if (version % 3 == 0) {
                    done.add(StorageFixture.appendInsert(log, secondInstance, second, version / 3));
                }
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        assertThat(STORAGE.get().log(BaseUuid.parse(first))).extracting(StorageFixture.LogRow::version)
                .containsExactlyElementsOf(versions(300));
        assertThat(STORAGE.get().log(BaseUuid.parse(second))).extracting(StorageFixture.LogRow::version)
                .containsExactlyElementsOf(versions(100));
    }

    private static List<Long> versions(long last) {
        List<Long> versions = new ArrayList<>();
        for (long v = 1; v <= last; v++) {
            versions.add(v);
        }
        return versions;
    }

    /** A pool on the test database as the node configures its own: init SQL and driver properties. */
    private static HikariDataSource nodePool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(STORAGE.get().dataSource.getJdbcUrl());
        config.setUsername(STORAGE.get().dataSource.getUsername());
        config.setPassword(STORAGE.get().dataSource.getPassword());
        config.setMaximumPoolSize(2);
        config.setConnectionInitSql("SET SESSION innodb_lock_wait_timeout = 7");
        config.addDataSourceProperty("cachePrepStmts", "true");
        return new HikariDataSource(config);
    }

    /** How many statements this session prepared on the server, after preparing and running one twice. */
    private static long serverPrepares(Connection c) throws SQLException {
        for (int i = 0; i < 2; i++) {
            try (PreparedStatement ps = c.prepareStatement("SELECT ? + 1")) {
                ps.setInt(1, i);
                ps.executeQuery().close();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(2);
        }
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
