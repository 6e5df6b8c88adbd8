package dtable.server.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.core.error.BaseUnavailableException;
import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import dtable.server.StorageFixture;
import dtable.server.cluster.Ownership;
import dtable.testsupport.MariaDbExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Memory guards of a node: idle bases are unloaded (snapshot first), and max_loaded_rows refuses a load with a clear 503. */
@Tag("integration")
class MemoryGuardsIT {

    @RegisterExtension
    static final MariaDbExtension MARIADB = MariaDbExtension.create();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void idleBaseIsSnapshottedAndUnloadedAndComesBackWhole() throws Exception {
        try (StorageFixture storage = new StorageFixture(MARIADB.jdbcUrl(), MARIADB.user(), MARIADB.password());
                StorageFixture.Node node = storage.node("idle-node")) {
            BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
            node.believeOwner(uuid.bucket(), 3);
            LoadedBase base = node.registry.create(uuid, Base.withDefaultTable());
            for (int i = 0; i < 5; i++) {
                String payload = "row-" + i;
                LoadedBase.awaitDurable(base.execute(model -> insertRow(payload), "t", null, null, 0, null).durable());
            }
            BaseMaintenance maintenance = new BaseMaintenance(node.registry, storage.store, Clock.systemUTC(),
                    new BaseMaintenance.Settings(Duration.ofHours(1), 1000, Duration.ZERO, Duration.ofDays(14)));
            maintenance.tick();

            assertThat(node.registry.get(uuid)).isEmpty();
            assertThat(base.state()).isEqualTo(BaseState.CLOSED);
            assertThat(storage.store.findHeader(uuid.value()).orElseThrow().snapshotVersion()).isEqualTo(5);
            LoadedBase again = node.registry.acquire(uuid);
            assertThat(again.durableVersion()).isEqualTo(5);
            assertThat(again.rowCount()).isEqualTo(5);
            assertThat(again.epoch()).isGreaterThan(base.epoch());
        }
    }

    @Test
    void loadPastMaxLoadedRowsIsRefusedWithoutClaimingTheBase() {
        try (StorageFixture storage = new StorageFixture(MARIADB.jdbcUrl(), MARIADB.user(), MARIADB.password())) {
            var log = new dtable.server.storage.MysqlOperationLog(storage.dataSource, 16, 0, size -> { });
            Ownership ownership = new Ownership("small-node", (buckets, reason) -> { });
            BaseRegistry registry = new BaseRegistry("small-node", storage.store, log, ownership, Clock.systemUTC(),
                    new BaseRegistry.Limits(100));
            ownership.onRegistered();
            BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
            assertThat(storage.store.create(uuid.value(), "elsewhere", 1, null, 0, 150)).isTrue();
            ownership.onMap(ownership.map().toBuilder().owner(uuid.bucket(), "small-node", 9).revision(9).build());

            assertThatThrownBy(() -> registry.acquire(uuid)).isInstanceOf(BaseUnavailableException.class)
                    .hasMessageContaining("max_loaded_rows 100");
            var header = storage.store.findHeader(uuid.value()).orElseThrow();
            assertThat(header.ownerNode()).isEqualTo("elsewhere");
            assertThat(header.ownerEpoch()).isEqualTo(1);
            assertThat(registry.loadedBases()).isEmpty();
            log.close();
        }
    }

    private static ObjectNode insertRow(String payload) {
        ObjectNode op = JSON.createObjectNode().put("op_type", "insert_row").put("table_id", "0000");
        op.putObject("row_data").put("0000", payload);
        return op;
    }
}
