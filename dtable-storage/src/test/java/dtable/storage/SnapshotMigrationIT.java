package dtable.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dtable.model.Base;
import dtable.model.stored.SnapshotCodec;
import dtable.testsupport.MariaDbExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * V4 moves the snapshots out of {@code dtables} into {@code dtable_snapshots}: a database at V3 with
 * snapshots in {@code dtables.snapshot} reads back the same bases after the migration, and the fence row
 * keeps no blob column.
 */
@Tag("integration")
class SnapshotMigrationIT {

    @RegisterExtension
    static MariaDbExtension mariadb = MariaDbExtension.create();

    @Test
    void snapshotsStoredUnderV3ReadBackAfterTheMigration() throws Exception {
        String database = mariadb.server().createDatabase();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(mariadb.server().jdbcUrl(database));
        config.setUsername(mariadb.user());
        config.setPassword(mariadb.password());
        config.setMaximumPoolSize(2);
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            Flyway.configure().dataSource(dataSource).locations(Schema.LOCATION).target("3").load().migrate();
            Base base = Base.withDefaultTable();
            String snapshotted = UUID.randomUUID().toString();
            String never = UUID.randomUUID().toString();
            String deleted = UUID.randomUUID().toString();
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO dtables (dtable_uuid, owner_node, owner_epoch, snapshot, snapshot_version, deleted)"
                            + " VALUES (?, 'n1', 3, ?, ?, ?)")) {
                Object[][] rows = {{snapshotted, SnapshotCodec.encode(base), 7L, false}, {never, null, 0L, false},
                        {deleted, null, 4L, true}};
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        ps.setObject(i + 1, row[i]);
                    }
                    ps.executeUpdate();
                }
            }

            Schema.migrate(dataSource);

            SnapshotReader reader = new SnapshotReader(dataSource);
            StoredSnapshot stored = reader.read(snapshotted).orElseThrow();
            assertThat(stored.snapshotVersion()).isEqualTo(7);
            assertThat(SnapshotCodec.decode(stored.gzipJson(), snapshotted).toJson()).isEqualTo(base.toJson());
            assertThat(reader.read(never).orElseThrow()).isEqualTo(new StoredSnapshot(never, null, 0, false));
            assertThat(reader.read(deleted).orElseThrow()).isEqualTo(new StoredSnapshot(deleted, null, 4, true));
            assertThat(new OperationLogReader(dataSource).tail(snapshotted, 7).snapshotVersion()).isEqualTo(7);

            assertThat(columns(dataSource, "dtables")).doesNotContain("snapshot").contains("snapshot_version");
            assertThat(columns(dataSource, "dtable_snapshots")).contains("snapshot", "snapshot_version");
        }
    }

    private static List<String> columns(HikariDataSource dataSource, String table) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME"
                + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
