package dtable.model.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dtable.model.Base;
import dtable.model.Operation;
import dtable.model.OperationContext;
import dtable.model.OperationException;
import dtable.model.Table;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** REST bodies by column name → raw operations → prepared and applied → REST views by column name. */
class RestTest {

    private static final JsonMapper LENIENT = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();
    private Base base;
    private long seed;

    private static JsonNode json(String text) {
        return LENIENT.readTree(text);
    }

    private Operation apply(ObjectNode raw) {
        Operation op = base.prepare(raw, new OperationContext(Instant.parse("2024-05-01T00:00:00Z"),
                new SplittableRandom(seed++), "rest"));
        base.apply(op);
        return op;
    }

    private static OperationException refused(Supplier<?> call, int status, String errorType) {
        OperationException e = catchThrowableOfType(OperationException.class, call::get);
        assertThat(e).isNotNull();
        assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
        assertThat(e.errorType()).as(e.getMessage()).isEqualTo(errorType);
        return e;
    }

    @BeforeEach
    void baseWithColumns() {
        base = Base.withDefaultTable();
        apply(RestCommands.columnCommand(base, "POST", json("{'table_name':'Table1','column_name':'Age','column_type':'number'}")));
        apply(RestCommands.columnCommand(base, "POST", json("{'table_name':'Table1','column_name':'Status',"
                + "'column_type':'single-select','column_data':{'options':[{'id':'a1','name':'Active'}]}}")));
    }

    private Table table() {
        return base.tableByName("Table1");
    }

    @Test
    void appendRowTranslatesNamesToKeysAndAnswersTheRowByName() {
        ObjectNode raw = RestCommands.appendRow(base, json("{'table_name':'Table1','row':{'Name':'Ann','Age':30,"
                + "'Status':'Active','_id':'ignored'}}"));
        assertThat(raw.get("op_type").asString()).isEqualTo("insert_row");
        assertThat(raw.get("row_data").has("Name")).isFalse();
        assertThat(raw.get("row_data").get("0000").asString()).isEqualTo("Ann");
        String rowId = apply(raw).insertedRowIds().getFirst();

        JsonNode row = RestViews.rowByName(base, "0000", rowId);
        assertThat(row.get("_id").asString()).isEqualTo(rowId);
        assertThat(row.get("Name").asString()).isEqualTo("Ann");
        assertThat(row.get("Age").asLong()).isEqualTo(30);
        assertThat(row.get("Status").asString()).isEqualTo("Active");
        assertThat(row.get("_ctime").asString()).isEqualTo("2024-05-01T00:00:00.000Z");
    }

    @Test
    void appendRowWithAnAnchorInsertsBelowIt() {
        String first = apply(RestCommands.appendRow(base, json("{'table_name':'Table1','row':{'Name':'a'}}"))).insertedRowIds().getFirst();
        apply(RestCommands.appendRow(base, json("{'table_name':'Table1','row':{'Name':'c'}}")));
        apply(RestCommands.appendRow(base, json("{'table_id':'0000','row':{'Name':'b'},'anchor_row_id':'" + first + "'}")));
        JsonNode rows = RestViews.rows(base, "Table1", 0, 10).get("rows");
        assertThat(rows).extracting(r -> r.get("Name").asString()).containsExactly("a", "b", "c");
    }

    @Test
    void updateAndDeleteRow() {
        String id = apply(RestCommands.appendRow(base, json("{'table_name':'Table1','row':{'Name':'a','Age':1}}"))).insertedRowIds().getFirst();
        apply(RestCommands.updateRow(base, json("{'table_name':'Table1','row_id':'" + id + "','row':{'Age':2,'Name':null}}")));
        JsonNode row = RestViews.row(base, "Table1", id);
        assertThat(row.get("Age").asLong()).isEqualTo(2);
        assertThat(row.has("Name")).isFalse();

        apply(RestCommands.deleteRow(base, json("{'table_name':'Table1','row_id':'" + id + "'}")));
        refused(() -> RestViews.row(base, "Table1", id), 404, "row_not_found");
    }

    @Test
    void batchCommandsRespectTheirLimits() {
        ObjectNode append = RestCommands.batchAppend(base, json("{'table_name':'Table1','rows':[{'Name':'a'},{'Name':'b'},{'Name':'c'}]}"), 3);
        Operation op = apply(append);
        assertThat(op.insertedRowIds()).hasSize(3);
        String a = op.insertedRowIds().get(0);
        String b = op.insertedRowIds().get(1);

        apply(RestCommands.batchUpdate(base, json("{'table_name':'Table1','updates':[{'row_id':'" + a + "','row':{'Age':1}},"
                + "{'row_id':'" + b + "','row':{'Age':2}}]}"), 2));
        assertThat(RestViews.row(base, "Table1", b).get("Age").asLong()).isEqualTo(2);

        apply(RestCommands.batchDelete(base, json("{'table_name':'Table1','row_ids':['" + a + "','" + b + "']}"), 10));
        assertThat(table().rowCount()).isEqualTo(1);

        refused(() -> RestCommands.batchAppend(base, json("{'table_name':'Table1','rows':[{},{}]}"), 1), 400, "over_limit");
        refused(() -> RestCommands.batchUpdate(base, json("{'table_name':'Table1','updates':[{'row_id':'x','row':{}},"
                + "{'row_id':'y','row':{}}]}"), 1), 400, "over_limit");
        refused(() -> RestCommands.batchDelete(base, json("{'table_name':'Table1','row_ids':['a','b']}"), 1), 400, "over_limit");
        refused(() -> RestCommands.batchAppend(base, json("{'table_name':'Table1','rows':[]}"), 5), 400, "invalid_operation");
        refused(() -> RestCommands.batchUpdate(base, json("{'table_name':'Table1','updates':[{'row_id':'x','row':{}},"
                + "{'row_id':'x','row':{}}]}"), 5), 400, "invalid_operation");
    }

    @Test
    void badBodiesAreRefused() {
        refused(() -> RestCommands.appendRow(base, json("{'table_name':'Nope','row':{}}")), 404, "table_not_found");
        refused(() -> RestCommands.appendRow(base, json("{'table_name':'Table1','row':{'Nope':1}}")), 400, "column_not_found");
        refused(() -> RestCommands.appendRow(base, json("{'table_name':'Table1'}")), 400, "invalid_operation");
        refused(() -> RestCommands.appendRow(base, json("[]")), 400, "invalid_operation");
        refused(() -> RestCommands.updateRow(base, json("{'table_name':'Table1','row':{}}")), 400, "invalid_operation");
        refused(() -> RestCommands.deleteRow(base, json("{'row_id':'x'}")), 400, "invalid_operation");
        // values are checked by prepare, with the error the REST layer answers
        ObjectNode raw = RestCommands.appendRow(base, json("{'table_name':'Table1','row':{'Age':'old'}}"));
        refused(() -> base.prepare(raw, new OperationContext(Instant.EPOCH, new SplittableRandom(1), "x")), 400, "invalid_value");
    }

    @Test
    void tableCommands() {
        apply(RestCommands.tableCommand("POST", json("{'table_name':'Tasks','columns':[{'column_name':'Title','column_type':'text'}]}")));
        assertThat(base.tableByName("Tasks").columns().getFirst().name()).isEqualTo("Title");
        apply(RestCommands.tableCommand("put", json("{'table_name':'Tasks','new_table_name':'Todo'}")));
        assertThat(base.tableByName("Todo")).isNotNull();
        apply(RestCommands.tableCommand("DELETE", json("{'table_name':'Todo'}")));
        assertThat(base.tables()).hasSize(1);
        refused(() -> RestCommands.tableCommand("PATCH", json("{'table_name':'Table1'}")), 400, "invalid_operation");
    }

    @Test
    void columnCommands() {
        apply(RestCommands.columnCommand(base, "PUT", json("{'table_name':'Table1','op_type':'rename_column','column':'Age',"
                + "'new_column_name':'Years'}")));
        assertThat(table().columnByName("Years")).isNotNull();
        apply(RestCommands.columnCommand(base, "PUT", json("{'table_name':'Table1','op_type':'modify_column_type',"
                + "'column':'Years','new_column_type':'text'}")));
        assertThat(table().columnByName("Years").type().wireName()).isEqualTo("text");
        apply(RestCommands.columnCommand(base, "PUT", json("{'table_name':'Table1','op_type':'set_column_data','column':'Status',"
                + "'data':{'options':[{'id':'a1','name':'Live'}]}}")));
        assertThat(table().columnByName("Status").optionName("a1")).isEqualTo("Live");
        String statusKey = table().columnByName("Status").key();
        apply(RestCommands.columnCommand(base, "DELETE", json("{'table_name':'Table1','column':'" + statusKey + "'}")));
        assertThat(table().columnByName("Status")).isNull();

        refused(() -> RestCommands.columnCommand(base, "DELETE", json("{'table_name':'Table1','column':'Nope'}")), 400,
                "column_not_found");
        refused(() -> RestCommands.columnCommand(base, "PUT", json("{'table_name':'Table1','op_type':'resize_column',"
                + "'column':'Name'}")), 400, "invalid_operation");
        refused(() -> RestCommands.columnCommand(base, "PUT", json("{'table_name':'Table1','column':'Name'}")), 400,
                "invalid_operation");
        refused(() -> RestCommands.columnCommand(base, "DELETE", json("{'table_name':'Table1'}")), 400, "invalid_operation");
    }

    @Test
    void viewsPageRowsAndDescribeTables() {
        for (int i = 0; i < 5; i++) {
            apply(RestCommands.appendRow(base, json("{'table_name':'Table1','row':{'Name':'r" + i + "'}}")));
        }
        assertThat(RestViews.rows(base, "Table1", 1, 2).get("rows")).extracting(r -> r.get("Name").asString())
                .containsExactly("r1", "r2");
        assertThat(RestViews.rows(base, "0000", 4, 1000).get("rows")).hasSize(1);
        assertThat(RestViews.rows(base, "Table1", 99, 10).get("rows")).isEmpty();
        assertThat(RestViews.rows(base, "Table1", 0, Integer.MAX_VALUE).get("rows")).hasSize(5);
        refused(() -> RestViews.rows(base, "Nope", 0, 10), 404, "table_not_found");
        refused(() -> RestViews.rows(base, "Table1", -1, 10), 400, "invalid_operation");

        JsonNode tables = RestViews.metadata(base).get("metadata").get("tables");
        assertThat(tables).hasSize(1);
        assertThat(tables.get(0).get("_id").asString()).isEqualTo("0000");
        assertThat(tables.get(0).get("columns")).extracting(c -> c.get("name").asString())
                .containsExactly("Name", "Age", "Status");
        assertThat(tables.get(0).get("columns").get(2).get("data").get("options").get(0).get("name").asString())
                .isEqualTo("Active");
    }
}
