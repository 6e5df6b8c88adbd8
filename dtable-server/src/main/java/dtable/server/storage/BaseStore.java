package dtable.server.storage;

import dtable.model.stored.LoggedOperation;
import dtable.storage.OperationLogReader;
import dtable.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * The {@code dtables} and {@code dtable_snapshots} tables and reads of {@code operation_log} in MySQL:
 * creation, the ownership claim (SPEC §5 fencing), snapshots and the log reads used for loading and catch-up
 * ({@link BaseStorage}), plus what only the node's maintenance and health need (listing, purge, ping).
 * The snapshot bytes live in {@code dtable_snapshots}, not in the {@code dtables} row that every append batch
 * updates (its fence check): InnoDB reads a row's off-page BLOBs on every locking access.
 *
 * <p>Thread-safe: every call uses its own pooled connection.
 */
public class BaseStore implements BaseStorage {

    /** Log rows one purge statement deletes at most. */
    static final int PURGE_BATCH = 1_000;

    private final DataSource dataSource;
    private final OperationLogReader log;

    public BaseStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.log = new OperationLogReader(dataSource);
    }

    /**
     * The row and its snapshot, read in one statement (one consistent view): the blob comes with the version
     * stored next to it in {@code dtable_snapshots}; a base without a blob there has the row's version.
     */
    @Override
    public Optional<BaseRecord> find(String uuid) {
        return query("SELECT d.dtable_uuid, d.owner_node, d.owner_epoch, d.assign_rev, s.snapshot,"
                + " COALESCE(s.snapshot_version, d.snapshot_version), d.row_count, d.deleted FROM dtables d"
                + " LEFT JOIN dtable_snapshots s ON s.dtable_uuid = d.dtable_uuid WHERE d.dtable_uuid = ?",
                ps -> ps.setString(1, uuid), rs -> rs.next()
                ? Optional.of(new BaseRecord(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        rs.getBytes(5), rs.getLong(6), rs.getInt(7), rs.getBoolean(8)))
                : Optional.empty());
    }

    /** Row count and deletion flag without the snapshot blob (cheap; used for routing reads to the slave). */
    @Override
    public Optional<BaseRecord> findHeader(String uuid) {
        return query("SELECT dtable_uuid, owner_node, owner_epoch, assign_rev, snapshot_version, row_count, deleted"
                + " FROM dtables WHERE dtable_uuid = ?", ps -> ps.setString(1, uuid), rs -> rs.next()
                ? Optional.of(new BaseRecord(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), null,
                        rs.getLong(5), rs.getInt(6), rs.getBoolean(7)))
                : Optional.empty());
    }

    /**
     * The bases that are not deleted, newest first, at most {@code limit}; reads only the header
     * columns (no snapshot blobs). For the people's page, which has no other catalogue of bases.
     */
    public List<BaseSummary> list(int limit) {
        return query("SELECT dtable_uuid, row_count, snapshot_version, created_at, updated_at FROM dtables"
                + " WHERE deleted = 0 ORDER BY created_at DESC, dtable_uuid LIMIT ?", ps -> ps.setInt(1, limit), rs -> {
                    List<BaseSummary> bases = new ArrayList<>();
                    while (rs.next()) {
                        bases.add(new BaseSummary(rs.getString(1), rs.getInt(2), rs.getLong(3),
                                rs.getTimestamp(4).getTime(), rs.getTimestamp(5).getTime()));
                    }
                    return bases;
                });
    }

    /**
     * Inserts a new base owned by {@code node} at epoch 1, and its snapshot, in one transaction. Returns false
     * when a row with that UUID exists already (also a deleted one: UUIDs are never reused).
     */
    @Override
    public boolean create(String uuid, String node, long assignRev, byte[] snapshot, long version, int rowCount) {
        return inTransaction("create " + uuid, c -> {
            if (execute(c, "INSERT IGNORE INTO dtables (dtable_uuid, owner_node, owner_epoch, assign_rev,"
                    + " snapshot_version, row_count) VALUES (?, ?, 1, ?, ?, ?)", uuid, node, assignRev, version, rowCount) != 1) {
                return null;
            }
            if (snapshot != null) {
                execute(c, "INSERT INTO dtable_snapshots (dtable_uuid, snapshot_version, snapshot) VALUES (?, ?, ?)",
                        uuid, version, snapshot);
            }
            return Boolean.TRUE;
        }).isPresent();
    }

    /**
     * The ownership claim of SPEC §5: bumps {@code owner_epoch} when no node holds a newer
     * assignment token. Returns the new epoch, or empty when the base is missing, deleted, or
     * claimed under a newer token (then this node must not load it).
     */
    @Override
    public OptionalLong claim(String uuid, String node, long assignRev) {
        return inTransaction("claim " + uuid, c -> {
            if (execute(c, "UPDATE dtables SET owner_node = ?, owner_epoch = owner_epoch + 1, assign_rev = ?"
                    + " WHERE dtable_uuid = ? AND assign_rev <= ? AND deleted = 0", node, assignRev, uuid, assignRev) == 0) {
                return null;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT owner_epoch FROM dtables WHERE dtable_uuid = ?")) {
                ps.setString(1, uuid);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }).map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /**
     * Stores a snapshot if this node still holds {@code epoch} and no newer snapshot is stored; false when
     * fenced. One transaction writes the blob row ({@code dtable_snapshots}) and then the fence row
     * ({@code dtables}: the same owner/epoch/version condition as always, and the version and row count), and
     * commits only when the fence row matched. The blob goes first so that the fence row, which every append
     * batch of the base updates, is locked only from its update to the commit, not while the blob is sent.
     */
    @Override
    public boolean saveSnapshot(String uuid, String node, long epoch, long version, byte[] snapshot, int rowCount) {
        return inTransaction("snapshot " + uuid, c -> {
            execute(c, "INSERT INTO dtable_snapshots (dtable_uuid, snapshot_version, snapshot) VALUES (?, ?, ?)"
                    + " ON DUPLICATE KEY UPDATE snapshot_version = VALUES(snapshot_version), snapshot = VALUES(snapshot),"
                    + " updated_at = CURRENT_TIMESTAMP(3)", uuid, version, snapshot);
            return execute(c, "UPDATE dtables SET snapshot_version = ?, row_count = ?, updated_at = CURRENT_TIMESTAMP(3)"
                    + " WHERE dtable_uuid = ? AND owner_node = ? AND owner_epoch = ? AND snapshot_version <= ?",
                    version, rowCount, uuid, node, epoch, version) == 1 ? Boolean.TRUE : null;
        }).isPresent();
    }

    /**
     * Marks a base deleted and drops its snapshot if this node still holds {@code epoch}; false when fenced
     * (then nothing changes). Blob row first, fence row second, as in {@link #saveSnapshot}: one lock order.
     */
    @Override
    public boolean markDeleted(String uuid, String node, long epoch) {
        return inTransaction("delete " + uuid, c -> {
            execute(c, "DELETE FROM dtable_snapshots WHERE dtable_uuid = ?", uuid);
            return execute(c, "UPDATE dtables SET deleted = 1, updated_at = CURRENT_TIMESTAMP(3)"
                    + " WHERE dtable_uuid = ? AND owner_node = ? AND owner_epoch = ?", uuid, node, epoch) == 1 ? Boolean.TRUE : null;
        }).isPresent();
    }

    /** Operations with version > {@code afterVersion}, in version order, at most {@code limit}. */
    @Override
    public List<LoggedOperation> readLog(String uuid, long afterVersion, int limit) {
        return log.read(uuid, afterVersion, limit);
    }

    /**
     * Deletes log rows already covered by a snapshot, or of a deleted base, and older than {@code cutoffMillis}
     * (SPEC §5 retention). Returns the number of rows deleted.
     */
    public int purgeLog(long cutoffMillis) {
        return purgeLog(cutoffMillis, PURGE_BATCH);
    }

    /**
     * The purge locks nothing but the log rows it deletes, at most {@code batch} at a time. Every commit updates
     * its base's {@code dtables} row; a multi-table DELETE joined with {@code dtables} would read those rows with
     * shared locks and hold up every write for as long as it ran. So the bases and how far their snapshots reach
     * are read first without locks (a snapshot version only grows: a stale one deletes less, never too much), then
     * each base's rows are deleted by primary key.
     */
    int purgeLog(long cutoffMillis, int batch) {
        record Covered(String uuid, long snapshotVersion) {
        }
        // a deleted base's whole log goes: no snapshot or load needs it again
        List<Covered> bases = query("SELECT dtable_uuid, IF(deleted = 1, " + Long.MAX_VALUE + ", snapshot_version)"
                + " FROM dtables WHERE (snapshot_version > 0 OR deleted = 1)"
                + " AND dtable_uuid IN (SELECT dtable_uuid FROM operation_log WHERE op_time < ?)",
                ps -> ps.setLong(1, cutoffMillis), rs -> {
                    List<Covered> rows = new ArrayList<>();
                    while (rs.next()) {
                        rows.add(new Covered(rs.getString(1), rs.getLong(2)));
                    }
                    return rows;
                });
        int deleted = 0;
        for (Covered base : bases) {
            int n;
            do {
                n = update("purge", "DELETE FROM operation_log WHERE dtable_uuid = ? AND op_version <= ?"
                        + " AND op_time < ? ORDER BY op_version LIMIT ?", base.uuid(), base.snapshotVersion(),
                        cutoffMillis, batch);
                deleted += n;
            } while (n == batch);
        }
        return deleted;
    }

    /**
     * True when a pooled connection answers a validity check within {@code timeout} (the pool's own connection
     * timeout bounds the wait for a connection). Never throws.
     */
    public boolean ping(java.time.Duration timeout) {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid((int) Math.max(1, timeout.toSeconds()));
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** The server's {@code max_allowed_packet}: a snapshot larger than this cannot be written. */
    public long maxAllowedPacket() {
        return query("SELECT @@max_allowed_packet", ps -> { }, rs -> rs.next() ? rs.getLong(1) : 0L);
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private interface Work<T> {
        /** The result to commit, or null to roll back. */
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction on its own pooled connection: committed when it returns a value. */
    private <T> Optional<T> inTransaction(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                if (result == null) {
                    c.rollback();
                } else {
                    c.commit();
                }
                return Optional.ofNullable(result);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException(what + ": " + e.getMessage(), e);
        }
    }

    /** Runs one write with {@code params} bound in order, on its own pooled connection; returns the rows it changed. */
    private int update(String what, String sql, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            return execute(c, sql, params);
        } catch (SQLException e) {
            throw new StorageException(what + ": " + e.getMessage(), e);
        }
    }

    private static int execute(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    private <T> T query(String sql, Binder binder, Reader<T> reader) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw new StorageException(e.getMessage(), e);
        }
    }
}
