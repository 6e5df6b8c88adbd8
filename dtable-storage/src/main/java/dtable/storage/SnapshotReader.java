package dtable.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads a base's stored snapshot ({@code dtable_snapshots}, with its {@code dtables} row); never writes (the owning node writes snapshots).
 *
 * <p>Thread-safe: every call takes its own pooled connection. Not final: tests of the readers' users
 * replace it with an in-memory store.
 */
public class SnapshotReader {

    /** One statement, one consistent view: the blob and the version stored next to it, the row's flag. */
    private static final String SNAPSHOT = "SELECT s.snapshot, COALESCE(s.snapshot_version, d.snapshot_version), d.deleted"
            + " FROM dtables d LEFT JOIN dtable_snapshots s ON s.dtable_uuid = d.dtable_uuid WHERE d.dtable_uuid = ?";

    private final DataSource dataSource;

    public SnapshotReader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The snapshot of a base, or empty when no {@code dtables} row exists.
     *
     * @throws StorageException when MySQL does not answer
     */
    public Optional<StoredSnapshot> read(String uuid) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SNAPSHOT)) {
            ps.setString(1, uuid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredSnapshot(uuid, rs.getBytes(1), rs.getLong(2), rs.getBoolean(3)));
            }
        } catch (SQLException e) {
            throw new StorageException("reading the snapshot of " + uuid + " failed: " + e.getMessage(), e);
        }
    }
}
