package dtable.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.SplittableRandom;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Shared helpers: a fixed clock and seeded ids, single-quoted JSON, prepare-and-apply, refusals. */
final class Fixtures {

    static final Instant NOW = Instant.parse("2024-05-01T09:30:00.123Z");
    static final String NOW_TEXT = "2024-05-01T09:30:00.123Z";
    private static final JsonMapper LENIENT = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

    private Fixtures() {
    }

    static OperationContext context() {
        return context(42);
    }

    static OperationContext context(long seed) {
        return new OperationContext(NOW, new SplittableRandom(seed), "tester");
    }

    /** Parses JSON that may use single quotes. */
    static JsonNode json(String text) {
        return LENIENT.readTree(text);
    }

    /** Prepares and applies; checks the version went up by one. */
    static Operation run(Base base, String operation) {
        long before = base.version();
        Operation op = base.prepare(json(operation), context());
        base.apply(op);
        assertThat(base.version()).isEqualTo(before + 1);
        return op;
    }

    /** Asserts that prepare refuses the operation with this status and type and that nothing changed. */
    static OperationException refused(Base base, String operation, int status, String errorType) {
        String before = base.toJson();
        long version = base.version();
        OperationException e = catchThrowableOfType(OperationException.class,
                () -> base.prepare(json(operation), context()));
        assertThat(e).as("prepare should refuse %s", operation).isNotNull();
        assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
        assertThat(e.errorType()).as(e.getMessage()).isEqualTo(errorType);
        assertThat(base.version()).isEqualTo(version);
        assertThat(base.toJson()).isEqualTo(before);
        return e;
    }

    /**
     * Table1 with a column of every type: Name (text, key 0000), Notes, Amount, Done, Due, Status
     * (options Open "s1", Closed), Tags (red "t1", blue "t2"), Email, Site, Time (duration), Stars (rate, max 3).
     */
    /** A fresh base by name, for tables of cases: {@code default} ({@link Base#withDefaultTable}) or {@code allTypes}. */
    static Base base(String kind) {
        return switch (kind) {
            case "default" -> Base.withDefaultTable();
            case "allTypes" -> allTypes();
            default -> throw new IllegalArgumentException("no base named " + kind);
        };
    }

    static Base allTypes() {
        Base base = Base.withDefaultTable();
        run(base, "{'op_type':'insert_column','table_name':'Table1','column_name':'Notes','column_type':'long-text'}");
        run(base, "{'op_type':'insert_column','table_name':'Table1','column_name':'Amount','column_type':'number'}");
        run(base, "{'op_type':'insert_column','table_name':'Table1','column_name':'Done','column_type':'checkbox'}");
        run(base, "{'op_type':'insert_column','table_name':'Table1','column_name':'Due','column_type':'date'}");
        run(base, "{'op_type':'insert_column','table_name':'Table1','column_name':'Status','column_type':'single-select',"
                + "'column_data':{'options':[{'id':'s1','name':'Open','color':'#fff'},{'name':'Closed'}]}}");
        run(base, "{'op_type':'insert_column','table_name':'Table1','column_name':'Tags','column_type':'multiple-select',"
                + "'column_data':{'options':[{'id':'t1','name':'red'},{'id':'t2','name':'blue'}]}}");
        run(base, "{'op_type':'insert_column','table_name':'Table1','column_name':'Email','column_type':'email'}");
        run(base, "{'op_type':'insert_column','table_name':'Table1','column_name':'Site','column_type':'url'}");
        run(base, "{'op_type':'insert_column','table_name':'Table1','column_name':'Time','column_type':'duration'}");
        run(base, "{'op_type':'insert_column','table_name':'Table1','column_name':'Stars','column_type':'rate',"
                + "'column_data':{'rate_max_number':3}}");
        return base;
    }

    static Table table1(Base base) {
        return base.tableByName("Table1");
    }

    static String key(Base base, String columnName) {
        return table1(base).columnByName(columnName).key();
    }

    /** Inserts a row into Table1 and returns its id. */
    static String insert(Base base, String rowData) {
        Operation op = run(base, "{'op_type':'insert_row','table_name':'Table1','row_data':" + rowData + "}");
        return op.insertedRowIds().getFirst();
    }

    /** The cell of a Table1 row by column name, as stored. */
    static Object cell(Base base, String rowId, String columnName) {
        Table table = table1(base);
        return table.rowById(rowId).cell(table.columnByName(columnName));
    }
}
