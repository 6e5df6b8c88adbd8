package dtable.server.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.core.bucket.BaseUuid;
import dtable.core.error.BaseUnavailableException;
import dtable.model.Base;
import dtable.model.SyntheticBase;
import dtable.server.storage.ManualOperationLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A node cut from MySQL refuses new writes at the entry of the base's lane: nothing is applied in memory,
 * nothing is queued for the log, reads keep working, and writes are taken again once the gate opens.
 */
class WriteGateTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ManualOperationLog log = new ManualOperationLog().autoCommit(true);
    private final WriteGate gate = new WriteGate();

    @Test
    void aClosedGateRefusesWritesBeforeAnythingIsAppliedOrQueued() {
        LoadedBase base = base();
        int rows = base.rowCount();
        long version = base.read(Base::version);

        gate.close("MySQL unreachable");
        assertThatThrownBy(() -> base.execute(model -> insertRow("x"), "t", null, null, 0, null))
                .isInstanceOf(BaseUnavailableException.class).hasMessageContaining("MySQL unreachable");

        assertThat(log.committed()).as("nothing queued for the log").isEmpty();
        assertThat(base.rowCount()).isEqualTo(rows);
        assertThat(base.read(Base::version)).as("reads work, nothing applied").isEqualTo(version);
        assertThat(base.state()).isEqualTo(BaseState.ACTIVE);

        gate.open();
        LoadedBase.Committed<Void> committed = base.execute(model -> insertRow("y"), "t", null, null, 0, null);
        LoadedBase.awaitDurable(committed.durable());
        assertThat(committed.version()).isEqualTo(version + 1);
        assertThat(log.committed()).hasSize(1);
        assertThat(base.rowCount()).isEqualTo(rows + 1);
    }

    @Test
    void theGateIsCheckedBeforeTheCommandRuns() {
        LoadedBase base = base();
        gate.close("MySQL unreachable");
        assertThatThrownBy(() -> base.execute(model -> {
            throw new AssertionError("command ran although writes are refused");
        }, "t", null, null, 0, null)).isInstanceOf(BaseUnavailableException.class);
    }

    private LoadedBase base() {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        SyntheticBase.write(json, 10, 3);
        Base model = Base.read(new ByteArrayInputStream(json.toByteArray()));
        LoadedBase base = new LoadedBase(BaseUuid.parse(UUID.randomUUID().toString()), "node-1", 1, model, log, Clock.systemUTC(), new SplittableRandom(1), failed -> { }, LaneMonitor.LOG_ONLY, gate);
        base.transitionTo(BaseState.ACTIVE);
        return base;
    }

    private static JsonNode insertRow(String payload) {
        ObjectNode op = JSON.createObjectNode().put("op_type", "insert_row").put("table_id", "0000");
        op.putObject("row_data").put("0000", payload);
        return op;
    }
}
