package dtable.slave.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The slave's only access to MySQL: two SELECTs on the tables the dtable-server owns (the Flyway
 * schema of module dtable-storage). The slave never writes; the pool is configured
 * read-only as well ({@code Connection.setReadOnly(true)}), so MySQL itself refuses a stray write.
 *
 * <p>These reads are duplicated from dtable-server's {@code BaseStore} on purpose: services do not
 * depend on each other, only on the shared modules.
 *
 * <p>Thread-safe: every call takes its own pooled connection.
 */
public class ReadOnlyStore {

    /*
     * One statement for the catch-up, so the dtables row and the log rows come from the same read view:
     * the LEFT JOIN keeps the dtables row when no operation follows, which tells a deleted base and a log
     * purged past the asked version (snapshot_version moved on, rows gone) apart from "nothing new".
     * Both sides are primary-key lookups: a const row of dtables, then a range of operation_log's
     * (dtable_uuid, op_version) key, already in op_version order.
     */
    private static final String TAIL = "SELECT d.snapshot_version, d.deleted, o.op_version, o.operation"
            + " FROM dtables d LEFT JOIN operation_log o ON o.dtable_uuid = d.dtable_uuid AND o.op_version > ?"
            + " WHERE d.dtable_uuid = ? ORDER BY o.op_version";
    private static final String SNAPSHOT = "SELECT snapshot, snapshot_version, deleted FROM dtables WHERE dtable_uuid = ?";

    private final DataSource dataSource;

    public ReadOnlyStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The snapshot of a base, or empty when no {@code dtables} row exists. */
    public Optional<StoredSnapshot> snapshot(String uuid) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SNAPSHOT)) {
            ps.setString(1, uuid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredSnapshot(uuid, rs.getBytes(1), rs.getLong(2), rs.getBoolean(3)));
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException("reading the snapshot of " + uuid + " failed: " + e.getMessage(), e);
        }
    }

    /** The base's row and every logged operation with a version above {@code afterVersion}, in one query. */
    public LogTail tail(String uuid, long afterVersion) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(TAIL)) {
            ps.setLong(1, afterVersion);
            ps.setString(2, uuid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return LogTail.missing();
                }
                long snapshotVersion = rs.getLong(1);
                boolean deleted = rs.getBoolean(2);
                List<LoggedOperation> operations = new ArrayList<>();
                do {
                    long version = rs.getLong(3);
                    if (!rs.wasNull()) {
                        operations.add(new LoggedOperation(version, rs.getString(4)));
                    }
                } while (rs.next());
                return new LogTail(true, snapshotVersion, deleted, operations);
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException("reading the operation log of " + uuid + " failed: " + e.getMessage(), e);
        }
    }
}
