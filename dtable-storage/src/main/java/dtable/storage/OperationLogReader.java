package dtable.storage;

import dtable.model.stored.LoggedOperation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads {@code operation_log}; never writes (the owning node's log writer appends, fenced, and its
 * retention purges). Rows come back in version order; see
 * {@link dtable.model.stored.ContiguousReplay} for walking them without skipping a hole.
 *
 * <p>Thread-safe: every call takes its own pooled connection. Not final: tests of the readers' users
 * replace it with an in-memory log.
 */
public class OperationLogReader {

    private static final String PAGE = "SELECT op_version, op_time, author, app, operation FROM operation_log"
            + " WHERE dtable_uuid = ? AND op_version > ? ORDER BY op_version LIMIT ?";

    /*
     * One statement for the catch-up, so the dtables row and the log rows come from the same read view:
     * the LEFT JOIN keeps the dtables row when no operation follows, which tells a deleted base and a log
     * purged past the asked version (snapshot_version moved on, rows gone) apart from "nothing new".
     * Both sides are primary-key lookups: a const row of dtables, then a range of operation_log's
     * (dtable_uuid, op_version) key, already in op_version order.
     */
    private static final String TAIL = "SELECT d.snapshot_version, d.deleted, o.op_version, o.op_time, o.author,"
            + " o.app, o.operation FROM dtables d LEFT JOIN operation_log o ON o.dtable_uuid = d.dtable_uuid"
            + " AND o.op_version > ? WHERE d.dtable_uuid = ? ORDER BY o.op_version";

    private final DataSource dataSource;

    public OperationLogReader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Operations with a version above {@code afterVersion}, ascending, at most {@code limit}.
     *
     * @throws StorageException when MySQL does not answer
     */
    public List<LoggedOperation> read(String uuid, long afterVersion, int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(PAGE)) {
            ps.setString(1, uuid);
            ps.setLong(2, afterVersion);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<LoggedOperation> operations = new ArrayList<>();
                while (rs.next()) {
                    operations.add(operation(rs, 1));
                }
                return operations;
            }
        } catch (SQLException e) {
            throw new StorageException("reading the operation log of " + uuid + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The base's row and every logged operation with a version above {@code afterVersion}, in one query.
     *
     * @throws StorageException when MySQL does not answer
     */
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
                    rs.getLong(3);
                    if (!rs.wasNull()) {
                        operations.add(operation(rs, 3));
                    }
                } while (rs.next());
                return new LogTail(true, snapshotVersion, deleted, operations);
            }
        } catch (SQLException e) {
            throw new StorageException("reading the operation log of " + uuid + " failed: " + e.getMessage(), e);
        }
    }

    /** The five log columns starting at {@code first}: version, time, author, app, operation. */
    private static LoggedOperation operation(ResultSet rs, int first) throws SQLException {
        return new LoggedOperation(rs.getLong(first), rs.getLong(first + 1), rs.getString(first + 2),
                rs.getString(first + 3), rs.getString(first + 4));
    }
}
