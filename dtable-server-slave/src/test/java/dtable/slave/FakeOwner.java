package dtable.slave;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import dtable.model.Operation;
import dtable.model.stored.SnapshotCodec;
import dtable.storage.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plays a dtable-server owner against a real MariaDB, writing exactly what a real owner writes:
 * the {@code dtables} row and its gzip JSON snapshot in {@code dtable_snapshots}, and one {@code operation_log}
 * row per operation (prepared and applied with the real model), version + 1 each. The schema is the cluster's own
 * Flyway migrations (module dtable-storage), applied as the services apply them.
 *
 * <p>Not thread-safe: one test thread writes.
 */
final class FakeOwner implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final Map<String, Base> models = new ConcurrentHashMap<>();

    FakeOwner(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(2);
        this.dataSource = new HikariDataSource(config);
    }

    /** Applies the cluster's schema (every Flyway migration). */
    void createSchema() {
        Schema.migrate(dataSource);
    }

    /** A new base with {@code rows} synthetic rows in "Table1" (column "Name" among ten), snapshotted at version 0. */
    BaseUuid create(int rows) throws SQLException {
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        Base base = OwnerModel.synthetic(uuid, rows);
        try (Connection c = dataSource.getConnection()) {
            update(c, "INSERT INTO dtables (dtable_uuid, owner_node, owner_epoch, assign_rev, snapshot_version, row_count)"
                    + " VALUES (?, 'fake-owner', 1, 1, ?, ?)", uuid.value(), base.version(), base.rowCount());
            storeSnapshot(c, uuid, base);
        }
        models.put(uuid.value(), base);
        return uuid;
    }

    /** Appends one row named {@code name} and logs it (acknowledged once this returns); returns the new version. */
    long appendRow(BaseUuid uuid, String name) throws SQLException {
        Base base = models.get(uuid.value());
        Operation op = OwnerModel.appendRow(base, name);
        try (Connection c = dataSource.getConnection()) {
            update(c, "INSERT INTO operation_log (dtable_uuid, op_version, op_time, author, app, operation, owner_epoch,"
                    + " node_id) VALUES (?, ?, ?, 'owner', NULL, ?, 1, 'fake-owner')",
                    uuid.value(), base.version() + 1, System.currentTimeMillis(), op.toJsonString());
        }
        base.apply(op);
        return base.version();
    }

    /** Writes a snapshot at the current version, then purges the log it covers (retention run early). */
    void snapshotAndPurge(BaseUuid uuid) throws SQLException {
        Base base = models.get(uuid.value());
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            storeSnapshot(c, uuid, base);
            update(c, "UPDATE dtables SET snapshot_version = ?, row_count = ? WHERE dtable_uuid = ?",
                    base.version(), base.rowCount(), uuid.value());
            c.commit();
            c.setAutoCommit(true);
            update(c, "DELETE FROM operation_log WHERE dtable_uuid = ? AND op_version <= ?", uuid.value(), base.version());
        }
    }

    void delete(BaseUuid uuid) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            update(c, "DELETE FROM dtable_snapshots WHERE dtable_uuid = ?", uuid.value());
            update(c, "UPDATE dtables SET deleted = 1 WHERE dtable_uuid = ?", uuid.value());
        }
    }

    /** The blob row as the owner writes it ({@code dtable_snapshots}, insert or replace). */
    private static void storeSnapshot(Connection c, BaseUuid uuid, Base base) throws SQLException {
        update(c, "INSERT INTO dtable_snapshots (dtable_uuid, snapshot_version, snapshot) VALUES (?, ?, ?)"
                + " ON DUPLICATE KEY UPDATE snapshot_version = VALUES(snapshot_version), snapshot = VALUES(snapshot)",
                uuid.value(), base.version(), SnapshotCodec.encode(base));
    }

    /** Runs one statement with these parameters, in order. */
    private static void update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            ps.executeUpdate();
        }
    }

    /** The owner's in-memory base: what the owner would answer. */
    Base model(BaseUuid uuid) {
        return models.get(uuid.value());
    }

    /** A fingerprint of both tables' whole content, to prove nothing changed. */
    String contentChecksum() throws SQLException {
        StringBuilder sum = new StringBuilder();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("CHECKSUM TABLE dtables, operation_log EXTENDED")) {
            while (rs.next()) {
                sum.append(rs.getString(1)).append('=').append(rs.getLong(2)).append(';');
            }
        }
        return sum.toString();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
