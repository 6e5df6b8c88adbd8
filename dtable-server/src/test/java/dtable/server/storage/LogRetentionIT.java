package dtable.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.BaseUuid;
import dtable.server.StorageFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operation log's retention (SPEC §5) against a real MariaDB: a row goes once a snapshot covers it (or its base
 * was deleted) and it is older than the cutoff, and never otherwise; the purge takes the rows in batches and never waits for a write
 * that holds a base's {@code dtables} row, as every commit does.
 */
@Tag("integration")
class LogRetentionIT {

    @RegisterExtension
    static final StorageFixture.OnMariaDb STORAGE = StorageFixture.onMariaDb();

    private static final long OLD = 1_000;
    private static final long CUTOFF = 2_000;
    private static final long RECENT = 3_000;

    /**
     * A new base with versions 1 to {@code oldUpTo} logged before the cutoff and the rest up to {@code lastVersion}
     * after it, its snapshot at {@code snapshotVersion} (0: none), deleted or not.
     */
    private static String base(long oldUpTo, long lastVersion, long snapshotVersion, boolean deleted) throws Exception {
        String uuid = STORAGE.get().newLogBase();
        log(uuid, OLD, LongStream.rangeClosed(1, oldUpTo));
        log(uuid, RECENT, LongStream.rangeClosed(oldUpTo + 1, lastVersion));
        sql("UPDATE dtables SET snapshot_version = ?, deleted = ? WHERE dtable_uuid = ?", snapshotVersion, deleted, uuid);
        return uuid;
    }

    /** Logs {@code versions} of {@code uuid} at {@code opTime}. */
    private static void log(String uuid, long opTime, LongStream versions) throws Exception {
        try (Connection c = STORAGE.get().dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO operation_log (dtable_uuid, op_version, op_time,"
                        + " operation, owner_epoch, node_id) VALUES (?, ?, ?, '{}', 1, 'node-a')")) {
            for (long version : versions.toArray()) {
                ps.setString(1, uuid);
                ps.setLong(2, version);
                ps.setLong(3, opTime);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void sql(String sql, Object... params) throws Exception {
        try (Connection c = STORAGE.get().dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    private static List<Long> versions(String uuid) throws Exception {
        return STORAGE.get().log(BaseUuid.parse(uuid)).stream().map(StorageFixture.LogRow::version).toList();
    }

    @Test
    void onlyRowsASnapshotCoversAndOlderThanTheCutoffGo() throws Exception {
        String snapshotted = base(8, 10, 6, false);
        String recentSnapshot = base(0, 3, 3, false);
        String neverSnapshotted = base(4, 4, 0, false);
        String deleted = base(5, 6, 3, true);
        String deletedUnsnapshotted = base(2, 2, 0, true);

        assertThat(STORAGE.get().store.purgeLog(CUTOFF)).isEqualTo(6 + 5 + 2);

        assertThat(versions(snapshotted)).as("7 and 8 are not in the snapshot, 9 and 10 are recent")
                .containsExactly(7L, 8L, 9L, 10L);
        assertThat(versions(recentSnapshot)).containsExactly(1L, 2L, 3L);
        assertThat(versions(neverSnapshotted)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(versions(deleted)).as("a deleted base's old rows go, snapshot or not").containsExactly(6L);
        assertThat(versions(deletedUnsnapshotted)).isEmpty();
        assertThat(STORAGE.get().store.purgeLog(CUTOFF)).as("a second purge finds nothing").isZero();
    }

    @Test
    void aLongLogGoesInBatches() throws Exception {
        String uuid = base(2_500, 2_510, 2_505, false);

        assertThat(STORAGE.get().store.purgeLog(CUTOFF, 1_000)).isEqualTo(2_500);

        assertThat(versions(uuid)).containsExactly(LongStream.rangeClosed(2_501, 2_510).boxed().toArray(Long[]::new));
    }

    /**
     * Every commit updates its base's {@code dtables} row in the commit's transaction. A purge that locked those
     * rows while it deleted (a multi-table DELETE reads its joined table with shared locks) held up every write
     * of every base for as long as it ran, and waited itself for any open commit.
     */
    @Test
    void aPurgeNeitherWaitsForNorHoldsUpAWriteThatHoldsTheBasesRow() throws Exception {
        String uuid = base(10, 10, 10, false);
        try (Connection writer = STORAGE.get().dataSource.getConnection()) {
            writer.setAutoCommit(false);
            try (PreparedStatement ps = writer.prepareStatement(
                    "UPDATE dtables SET updated_at = CURRENT_TIMESTAMP(3) WHERE dtable_uuid = ?")) {
                ps.setString(1, uuid);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            CompletableFuture<Integer> purge = CompletableFuture.supplyAsync(() -> STORAGE.get().store.purgeLog(CUTOFF));

            assertThat(purge.get(3, TimeUnit.SECONDS)).as("the purge did not wait for the open write").isEqualTo(10);
            try (PreparedStatement ps = writer.prepareStatement("INSERT INTO operation_log (dtable_uuid, op_version,"
                    + " op_time, operation, owner_epoch, node_id) VALUES (?, 11, ?, '{}', 1, 'node-a')")) {
                ps.setString(1, uuid);
                ps.setLong(2, RECENT);
                ps.executeUpdate();
            }
            writer.commit();
        }
        assertThat(versions(uuid)).containsExactly(11L);
    }
}
