package dtable.slave.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.core.error.BaseUnavailableException;
import dtable.core.error.BaseNotFoundException;
import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import dtable.model.stored.LoggedOperation;
import dtable.model.stored.SnapshotCodec;
import dtable.storage.LogTail;
import dtable.storage.StoredSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaseLoaderTest {

    private final InMemoryLog log = new InMemoryLog();
    private final BaseLoader loader = log.loader();

    @Test
    void loadIsSnapshotPlusEveryLoggedOperationAfterIt() {
        BaseUuid uuid = log.create(5);
        log.appendRow(uuid, "a");
        log.snapshot(uuid);
        log.appendRow(uuid, "b");
        log.appendRow(uuid, "c");

        Base loaded = loader.load(uuid);

        assertThat(loaded.version()).isEqualTo(3);
        assertThat(loaded.rowCount()).isEqualTo(8);
        assertThat(loaded.toJson()).isEqualTo(log.owner(uuid).toJson());
    }

    @Test
    void catchUpAppliesOnlyTheContiguousPrefix() {
        BaseUuid uuid = log.create(1);
        Base held = loader.load(uuid);
        long v1 = log.appendRow(uuid, "a");
        log.appendRow(uuid, "b");
        List<LoggedOperation> all = log.tail(uuid.value(), 0).operations();
        // version 2 is still in flight: only version 1 may be applied
        LogTail withHole = new LogTail(true, 0, false, List.of(all.get(0), new LoggedOperation(3, 0, "owner", null, all.get(1).operation())));

        assertThat(BaseLoader.apply(uuid, held, withHole)).isEqualTo(BaseLoader.CatchUp.CAUGHT_UP);
        assertThat(held.version()).isEqualTo(v1);
    }

    @Test
    void aPurgedLogBelowANewerSnapshotIsAGap() {
        BaseUuid uuid = log.create(1);
        Base held = loader.load(uuid);
        log.appendRow(uuid, "a");
        log.appendRow(uuid, "b");
        log.snapshot(uuid);
        log.purge(uuid);

        assertThat(loader.catchUp(uuid, held)).isEqualTo(BaseLoader.CatchUp.GAP);
        assertThat(held.version()).isZero();

        log.appendRow(uuid, "c"); // ops after the snapshot exist, but not the ones the held base needs
        assertThat(loader.catchUp(uuid, held)).isEqualTo(BaseLoader.CatchUp.GAP);
        assertThat(loader.load(uuid).version()).isEqualTo(3);
    }

    @Test
    void deletedOrMissingBaseIsGone() {
        BaseUuid uuid = log.create(1);
        Base held = loader.load(uuid);
        log.delete(uuid);

        assertThat(loader.catchUp(uuid, held)).isEqualTo(BaseLoader.CatchUp.GONE);
        assertThatThrownBy(() -> loader.load(uuid)).isInstanceOf(BaseNotFoundException.class);
        assertThatThrownBy(() -> loader.load(BaseUuid.parse("00000000000000000000000000000000")))
                .isInstanceOf(BaseNotFoundException.class);
    }

    @Test
    void anOperationThatDoesNotReplayMakesTheBaseUnavailable() {
        BaseUuid uuid = log.create(1);
        Base held = loader.load(uuid);
        LogTail bad = new LogTail(true, 0, false, List.of(new LoggedOperation(1, 0, "owner", null,
                "{\"op_type\":\"delete_row\",\"table_id\":\"0000\",\"row_id\":\"nope\"}")));

        assertThatThrownBy(() -> BaseLoader.apply(uuid, held, bad)).isInstanceOf(BaseUnavailableException.class);
        assertThat(held.version()).isZero();
    }

    @Test
    void aSnapshotThatIsNotGzipMakesTheBaseUnavailableAndSaysWhy() throws IOException {
        byte[] json = log.owner(log.create(1)).toJson().getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> BaseLoader.decode(new StoredSnapshot("b-plain", json, 0, false)))
                .isInstanceOf(BaseUnavailableException.class).hasMessageContaining("snapshot of b-plain cannot be inflated");
        ByteArrayOutputStream notABase = new ByteArrayOutputStream();
        try (OutputStream out = SnapshotCodec.compressing(notABase)) {
            out.write("[]".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> BaseLoader.decode(new StoredSnapshot("b-array", notABase.toByteArray(), 0, false)))
                .isInstanceOf(BaseUnavailableException.class).hasMessageContaining("snapshot of b-array does not parse");
    }
}
