package dtable.server.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.model.Base;
import dtable.model.OperationContext;
import dtable.model.OperationException;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code base_writable_limit}: only operations that add rows are refused, and only once the base is over it. */
class RowLimitTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode op(String type) {
        return JSON.createObjectNode().put("op_type", type).put("table_id", "0000");
    }

    private static Base withRows(int rows) {
        Base base = Base.withDefaultTable();
        for (int i = 0; i < rows; i++) {
            base.apply(base.prepare(JSON.readTree("{\"op_type\":\"insert_row\",\"table_id\":\"0000\",\"row_data\":{}}"),
                    OperationContext.of(Clock.systemUTC(), "tester")));
        }
        return base;
    }

    @Test
    void operationsThatAddRowsAreRefusedOnlyOverTheLimit() {
        RowLimit limit = new RowLimit(2);
        for (String grows : new String[] {"insert_row", "insert_rows", "append_rows"}) {
            assertThat(limit.guard(model -> op(grows)).apply(withRows(2))).isEqualTo(op(grows));
            assertThatThrownBy(() -> limit.guard(model -> op(grows)).apply(withRows(3)))
                    .isInstanceOfSatisfying(OperationException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.errorType()).isEqualTo("over_limit");
                        assertThat(e.getMessage()).contains("base_writable_limit 2");
                    });
        }
        for (String other : new String[] {"modify_row", "delete_row", "insert_column"}) {
            assertThat(limit.guard(model -> op(other)).apply(withRows(3))).isEqualTo(op(other));
        }
        assertThat(RowLimit.NONE.guard(model -> op("insert_row")).apply(withRows(3))).isEqualTo(op("insert_row"));
    }
}
