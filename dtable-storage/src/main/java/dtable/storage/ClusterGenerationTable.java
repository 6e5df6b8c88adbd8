package dtable.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The one-row {@code cluster_generation} counter (migration V2) and the highest assignment token any
 * base was claimed with. Plain JDBC; every method is one short transaction on a pooled connection.
 * Thread-safe as far as the {@link DataSource} is.
 */
public final class ClusterGenerationTable {

    private final DataSource dataSource;

    public ClusterGenerationTable(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** MySQL's generation (0 before any monitor advanced it). */
    public long current() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT generation FROM cluster_generation WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("cluster_generation has no row (migration V2 not applied?)");
            }
            return rs.getLong(1);
        }
    }

    /**
     * Advances the generation from {@code expected} to {@code next} in one guarded UPDATE (compare-and-set):
     * of several monitors racing, exactly one moves it from a given value.
     *
     * @return true when this call moved it; false when the generation was not {@code expected}
     * @throws IllegalArgumentException unless {@code next > expected}
     */
    public boolean advance(long expected, long next) throws SQLException {
        if (next <= expected) {
            throw new IllegalArgumentException("a generation only grows: " + expected + " -> " + next);
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE cluster_generation SET generation = ? WHERE id = 1 AND generation = ?")) {
            ps.setLong(1, next);
            ps.setLong(2, expected);
            return ps.executeUpdate() == 1;
        }
    }

    /** The highest {@code dtables.assign_rev}: the newest assignment token a base was claimed or created with. */
    public long highestClaim() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(assign_rev), 0) FROM dtables");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
