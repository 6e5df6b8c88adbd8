package dtable.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dtable.model.Base;
import dtable.model.stored.LoggedOperation;
import dtable.model.stored.SnapshotCodec;
import dtable.testsupport.MariaDbExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The readers against a real MariaDB holding the cluster's schema and rows as an owner writes them. */
@Tag("integration")
class ReadersIT {

    @RegisterExtension
    static MariaDbExtension mariadb = MariaDbExtension.create();

    private static HikariDataSource dataSource;
    private static SnapshotReader snapshots;
    private static OperationLogReader log;

    @BeforeAll
    static void schema() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(mariadb.jdbcUrl());
        config.setUsername(mariadb.user());
        config.setPassword(mariadb.password());
        config.setMaximumPoolSize(2);
        dataSource = new HikariDataSource(config);
        Schema.migrate(dataSource);
        snapshots = new SnapshotReader(dataSource);
        log = new OperationLogReader(dataSource);
    }

    @AfterAll
    static void close() {
        dataSource.close();
    }

    /** A base row with a snapshot at {@code snapshotVersion} and log rows 1..{@code logged}. */
    private static String base(byte[] snapshot, long snapshotVersion, int logged) throws SQLException {
        String uuid = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dtables (dtable_uuid, owner_node, owner_epoch,"
                    + " snapshot_version) VALUES (?, 'n1', 1, ?)")) {
                ps.setString(1, uuid);
                ps.setLong(2, snapshotVersion);
                ps.executeUpdate();
            }
            if (snapshot != null) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO dtable_snapshots (dtable_uuid,"
                        + " snapshot_version, snapshot) VALUES (?, ?, ?)")) {
                    ps.setString(1, uuid);
                    ps.setLong(2, snapshotVersion);
                    ps.setBytes(3, snapshot);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO operation_log (dtable_uuid, op_version, op_time,"
                    + " author, app, operation, owner_epoch, node_id) VALUES (?, ?, ?, ?, ?, ?, 1, 'n1')")) {
                for (int v = 1; v <= logged; v++) {
                    ps.setString(1, uuid);
                    ps.setLong(2, v);
                    ps.setLong(3, 1000L + v);
                    ps.setString(4, "author" + v);
                    ps.setString(5, v % 2 == 0 ? "app" : null);
                    ps.setString(6, "{\"op\":" + v + "}");
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        return uuid;
    }

    private static void sql(String statement, String uuid) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setString(1, uuid);
            ps.executeUpdate();
        }
    }

    @Test
    void readPagesTheLogInVersionOrderWithEveryColumn() throws SQLException {
        String uuid = base(null, 0, 5);
        assertThat(log.read(uuid, 0, 3)).containsExactly(
                new LoggedOperation(1, 1001, "author1", null, "{\"op\":1}"),
                new LoggedOperation(2, 1002, "author2", "app", "{\"op\":2}"),
                new LoggedOperation(3, 1003, "author3", null, "{\"op\":3}"));
        assertThat(log.read(uuid, 3, 10)).extracting(LoggedOperation::version).containsExactly(4L, 5L);
        assertThat(log.read(uuid, 5, 10)).isEmpty();
        assertThat(log.read(UUID.randomUUID().toString(), 0, 10)).isEmpty();
    }

    @Test
    void tailReadsTheRowAndTheOperationsAfterAVersionInOneQuery() throws SQLException {
        String uuid = base(null, 0, 5);
        LogTail tail = log.tail(uuid, 2);
        assertThat(tail.exists()).isTrue();
        assertThat(tail.deleted()).isFalse();
        assertThat(tail.operations()).extracting(LoggedOperation::version).containsExactly(3L, 4L, 5L);
        assertThat(tail.operations().getFirst()).isEqualTo(new LoggedOperation(3, 1003, "author3", null, "{\"op\":3}"));

        LogTail nothingNew = log.tail(uuid, 5);
        assertThat(nothingNew.exists()).isTrue();
        assertThat(nothingNew.operations()).isEmpty();
    }

    @Test
    void tailShowsAHoleAPurgeAndADeletionAsTheyAre() throws SQLException {
        String uuid = base(null, 0, 5);
        sql("DELETE FROM operation_log WHERE dtable_uuid = ? AND op_version = 4", uuid);
        assertThat(log.tail(uuid, 2).operations()).extracting(LoggedOperation::version).containsExactly(3L, 5L);

        sql("UPDATE dtables SET snapshot_version = 5 WHERE dtable_uuid = ?", uuid);
        sql("DELETE FROM operation_log WHERE dtable_uuid = ? AND op_version <= 5", uuid);
        LogTail purged = log.tail(uuid, 2);
        assertThat(purged.exists()).isTrue();
        assertThat(purged.snapshotVersion()).isEqualTo(5);
        assertThat(purged.operations()).isEmpty();

        sql("UPDATE dtables SET deleted = 1 WHERE dtable_uuid = ?", uuid);
        assertThat(log.tail(uuid, 2).deleted()).isTrue();
        assertThat(log.tail(UUID.randomUUID().toString(), 0)).isEqualTo(LogTail.missing());
    }

    @Test
    void theSnapshotReadsBackAsTheBaseItWas() throws SQLException {
        Base base = Base.withDefaultTable();
        String uuid = base(SnapshotCodec.encode(base), 0, 0);
        StoredSnapshot stored = snapshots.read(uuid).orElseThrow();
        assertThat(stored.dtableUuid()).isEqualTo(uuid);
        assertThat(stored.deleted()).isFalse();
        assertThat(SnapshotCodec.decode(stored.gzipJson(), uuid).toJson()).isEqualTo(base.toJson());

        String never = base(null, 0, 0);
        assertThat(snapshots.read(never).orElseThrow().gzipJson()).isNull();
        assertThat(snapshots.read(UUID.randomUUID().toString())).isEmpty();
    }
}
