package dtable.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.core.bucket.BaseUuid;
import dtable.core.error.BaseNotFoundException;
import dtable.model.SyntheticBase;
import dtable.server.StorageFixture;
import dtable.server.base.LoadedBase;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Snapshots live in {@code dtable_snapshots}, out of the {@code dtables} row that every append batch updates
 * (the fence check): InnoDB reads a row's off-page BLOBs on every locking access, so a blob in that row cost
 * every batch of a big base tens of milliseconds. A big base's whole life on the new layout: created with a
 * snapshot, loaded (claim), appended to, snapshotted again, moved to another node, fenced, deleted.
 */
@Tag("integration")
class SnapshotTableIT {

    @RegisterExtension
    static final StorageFixture.OnMariaDb STORAGE = StorageFixture.onMariaDb();

    @Test
    void theFencedRowHasNoLargeColumn() throws Exception {
        assertThat(STORAGE.get().query("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()"
                + " AND TABLE_NAME = 'dtables' AND (DATA_TYPE LIKE '%blob' OR DATA_TYPE LIKE '%text'"
                + " OR CHARACTER_MAXIMUM_LENGTH > 1024)", rs -> rs.getString(1)))
                .as("columns of dtables that could go off-page").isEmpty();
    }

    @Test
    void aBigBaseLoadsAppendsSnapshotsMovesAndIsDeleted() throws Exception {
        int rows = 50_000;
        StorageFixture storage = STORAGE.get();
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            SyntheticBase.write(out, rows, 7);
        }
        assertThat(storage.store.create(uuid.value(), "someone-else", 1, gz.toByteArray(), 0, rows)).isTrue();
        assertThat(stored(uuid)).isEqualTo(new Stored(0, gz.size(), 0));

        try (StorageFixture.Node a = storage.node("node-a"); StorageFixture.Node b = storage.node("node-b")) {
            a.believeOwner(uuid.bucket(), 5);
            LoadedBase onA = a.registry.acquire(uuid);
            assertThat(onA.rowCount()).isEqualTo(rows);
            insert(onA, "one");
            insert(onA, "two");
            assertThat(storage.store.findHeader(uuid.value()).orElseThrow().rowCount()).as("the fence row's count")
                    .isEqualTo(rows + 2);

            assertThat(a.registry.saveSnapshot(onA)).isTrue();
            Stored second = stored(uuid);
            assertThat(second.version()).isEqualTo(2);
            assertThat(second.fenceVersion()).as("the fence row's copy, same transaction").isEqualTo(2);
            insert(onA, "three");

            // node-b takes the bucket over: it claims, loads the snapshot and replays the log after it
            b.believeOwner(uuid.bucket(), 6);
            LoadedBase onB = b.registry.acquire(uuid);
            assertThat(onB.durableVersion()).isEqualTo(3);
            assertThat(onB.rowCount()).isEqualTo(rows + 3);

            // node-a is fenced: its snapshot (a newer version than stored) must not replace the blob
            byte[] stale = {1, 2, 3};
            assertThat(storage.store.saveSnapshot(uuid.value(), "node-a", onA.epoch(), 9, stale, 1)).isFalse();
            assertThat(stored(uuid)).as("the blob row rolled back with the fence").isEqualTo(second);
            // the owner does not go back to an older version either
            assertThat(storage.store.saveSnapshot(uuid.value(), "node-b", onB.epoch(), 1, stale, 1)).isFalse();
            assertThat(stored(uuid)).isEqualTo(second);

            insert(onB, "four");
            assertThat(b.registry.saveSnapshot(onB)).isTrue();
            assertThat(stored(uuid).version()).isEqualTo(4);

            b.registry.delete(uuid);
            assertThat(storage.query("SELECT 1 FROM dtable_snapshots WHERE dtable_uuid = ?", rs -> 1, uuid.value()))
                    .as("blob dropped").isEmpty();
            BaseRecord deleted = storage.store.find(uuid.value()).orElseThrow();
            assertThat(deleted.deleted()).isTrue();
            assertThat(deleted.snapshot()).isNull();
            b.believeOwner(uuid.bucket(), 7);
            assertThatThrownBy(() -> b.registry.acquire(uuid))
                    .isInstanceOf(BaseNotFoundException.class);
        }
    }

    @Test
    void aFencedDeletionKeepsTheSnapshot() throws Exception {
        StorageFixture storage = STORAGE.get();
        String uuid = storage.newLogBase();
        assertThat(storage.store.saveSnapshot(uuid, "node-a", 1, 3, new byte[] {4, 5}, 2)).isTrue();
        assertThat(storage.store.markDeleted(uuid, "node-b", 1)).isFalse();
        assertThat(storage.store.markDeleted(uuid, "node-a", 2)).isFalse();
        BaseRecord kept = storage.store.find(uuid).orElseThrow();
        assertThat(kept.deleted()).isFalse();
        assertThat(kept.snapshot()).containsExactly(4, 5);
        assertThat(kept.snapshotVersion()).isEqualTo(3);
    }

    private static void insert(LoadedBase base, String name) {
        LoadedBase.awaitDurable(StorageFixture.insertRow(base, name).durable());
    }

    /** The blob row's version and size, and the version the fence row says. */
    private record Stored(long version, long bytes, long fenceVersion) {
    }

    private static Stored stored(BaseUuid uuid) throws Exception {
        List<Stored> rows = STORAGE.get().query("SELECT s.snapshot_version, LENGTH(s.snapshot), d.snapshot_version"
                + " FROM dtables d JOIN dtable_snapshots s ON s.dtable_uuid = d.dtable_uuid WHERE d.dtable_uuid = ?",
                rs -> new Stored(rs.getLong(1), rs.getLong(2), rs.getLong(3)), uuid.value());
        assertThat(rows).as("the snapshot row of %s", uuid).hasSize(1);
        return rows.getFirst();
    }
}
