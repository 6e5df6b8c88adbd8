package dtable.server.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.model.Base;
import dtable.model.OperationContext;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A resent add_link / remove_link the base already holds is recognised; a bad one is not. */
class ResendsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String R1 = "AAAAAAAAAAAAAAAAAAAAAA";
    private static final String P1 = "CCCCCCCCCCCCCCCCCCCCCC";

    private static void run(Base base, String op) {
        base.apply(base.prepare(JSON.readTree(op.replace('\'', '"')), new OperationContext(Instant.EPOCH, new SplittableRandom(1), "t")));
    }

    private static JsonNode op(String type, String row1, String row2) {
        return JSON.readTree(("{'op_type':'" + type + "','link_id':'lk01','table1_id':'0000','table2_id':'T001',"
                + "'table1_row_id':'" + row1 + "','table2_row_id':'" + row2 + "'}").replace('\'', '"'));
    }

    @Test
    void aLinkChangeTheBaseHoldsIsRecognised() {
        Base base = Base.withDefaultTable();
        run(base, "{'op_type':'insert_table','table_data':{'_id':'T001','name':'P','columns':[{'key':'0000','name':'Name','type':'text'}],'rows':[]}}");
        run(base, "{'op_type':'insert_row','table_id':'0000','row_data':{'_id':'" + R1 + "'}}");
        run(base, "{'op_type':'insert_row','table_id':'T001','row_data':{'_id':'" + P1 + "'}}");
        run(base, "{'op_type':'insert_column','table_id':'0000','column_data':{'key':'L001','name':'L','type':'link',"
                + "'data':{'link_id':'lk01','table_id':'0000','other_table_id':'T001'}}}");
        assertThat(Resends.holds(base, op("add_link", R1, P1))).isFalse();
        assertThat(Resends.holds(base, op("remove_link", R1, P1))).isTrue();
        base.apply(base.prepare(op("add_link", R1, P1), new OperationContext(Instant.EPOCH, new SplittableRandom(1), "t")));
        assertThat(Resends.holds(base, op("add_link", R1, P1))).isTrue();
        assertThat(Resends.holds(base, op("remove_link", R1, P1))).isFalse();
        assertThat(Resends.holds(base, op("add_link", R1, "no-such-row"))).isFalse();
        assertThat(Resends.holds(base, op("remove_link", "no-such-row", P1))).isFalse();
    }
}
