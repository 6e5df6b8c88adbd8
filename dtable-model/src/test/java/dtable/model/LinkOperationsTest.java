package dtable.model;

import static dtable.model.Fixtures.json;
import static dtable.model.Fixtures.refused;
import static dtable.model.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Links in SeaTable's shape: link columns create them, add_link / remove_link change them, deletes clean them. */
class LinkOperationsTest {

    private static final String R1 = "AAAAAAAAAAAAAAAAAAAAAA";
    private static final String R2 = "BBBBBBBBBBBBBBBBBBBBBB";
    private static final String P1 = "CCCCCCCCCCCCCCCCCCCCCC";
    private static final String LINK_COLUMN = "{'op_type':'insert_column','table_id':'0000','column_key':'0000',"
            + "'column_data':{'key':'L001','name':'Projects','type':'link','width':200,"
            + "'data':{'link_id':'lk01','table_id':'0000','other_table_id':'T001','display_column_key':'0000'}}}";
    private static final String ADD = "{'op_type':'add_link','link_id':'lk01','table1_id':'0000','table2_id':'T001',"
            + "'table1_row_id':'" + R1 + "','table2_row_id':'" + P1 + "'}";

    /** Table1 (0000) with rows R1, R2; Projects (T001) with row P1; every operation logged in {@code log}. */
    private static Base twoTables(List<JsonNode> log) {
        Base base = Base.withDefaultTable();
        log.add(run(base, "{'op_type':'insert_table','table_data':{'_id':'T001','name':'Projects',"
                + "'columns':[{'key':'0000','name':'Name','type':'text'}],'rows':[]}}").json());
        log.add(run(base, "{'op_type':'insert_row','table_id':'0000','row_id':'','row_data':{'_id':'" + R1 + "'}}").json());
        log.add(run(base, "{'op_type':'insert_row','table_id':'0000','row_id':'','row_data':{'_id':'" + R2 + "'}}").json());
        log.add(run(base, "{'op_type':'insert_row','table_id':'T001','row_id':'','row_data':{'_id':'" + P1 + "'}}").json());
        return base;
    }

    private static JsonNode link(Base base) {
        return base.linksJson().get(0);
    }

    @Test
    void aLinkColumnCreatesTheLinkEntryInSeaTablesShape() {
        List<JsonNode> log = new ArrayList<>();
        Base base = twoTables(log);
        run(base, LINK_COLUMN);
        assertThat(base.linksJson()).isEqualTo(json("[{'_id':'lk01','table1_id':'0000','table2_id':'T001',"
                + "'table1_table2_map':{},'table2_table1_map':{}}]"));
        assertThat(base.tableById("0000").columnByKey("L001").type()).isEqualTo(ColumnType.LINK);
        // the other table's link column reuses the entry; a second link column of other tables may not
        run(base, "{'op_type':'insert_column','table_id':'T001','column_data':{'key':'L002','name':'Tasks','type':'link',"
                + "'data':{'link_id':'lk01','table_id':'T001','other_table_id':'0000','display_column_key':'0000'}}}");
        assertThat(base.linksJson()).hasSize(1);
        refused(base, "{'op_type':'insert_column','table_id':'0000','column_data':{'key':'L003','name':'Self','type':'link',"
                + "'data':{'link_id':'lk01','table_id':'0000','other_table_id':'0000'}}}", 400, "link_mismatch");
    }

    @Test
    void addAndRemoveLinkChangeBothMapsAndReplayIdentically() {
        List<JsonNode> log = new ArrayList<>();
        Base base = twoTables(log);
        log.add(run(base, LINK_COLUMN).json());
        Operation add = run(base, ADD);
        log.add(add.json());
        assertThat(add.json()).isEqualTo(json(ADD));
        assertThat(link(base).path("table1_table2_map")).isEqualTo(json("{'" + R1 + "':['" + P1 + "']}"));
        assertThat(link(base).path("table2_table1_map")).isEqualTo(json("{'" + P1 + "':['" + R1 + "']}"));
        log.add(run(base, ADD.replace(R1, R2)).json());
        assertThat(link(base).path("table2_table1_map")).isEqualTo(json("{'" + P1 + "':['" + R1 + "','" + R2 + "']}"));
        log.add(run(base, ADD.replace("add_link", "remove_link")).json());
        assertThat(link(base).path("table1_table2_map")).isEqualTo(json("{'" + R2 + "':['" + P1 + "']}"));
        assertThat(link(base).path("table2_table1_map")).isEqualTo(json("{'" + P1 + "':['" + R2 + "']}"));

        Base replayed = Base.withDefaultTable();
        log.forEach(replayed::replay);
        assertThat(replayed.toJson()).isEqualTo(base.toJson());
        assertThat(replayed.linksJson()).isEqualTo(base.linksJson());
    }

    @Test
    void linksSurviveTheSnapshotRoundTripAndTheClientLoadShowsThem() {
        Base base = twoTables(new ArrayList<>());
        run(base, LINK_COLUMN);
        run(base, ADD);
        String snapshot;
        try (FrozenBase frozen = base.freeze()) {
            run(base, ADD.replace("add_link", "remove_link")); // after the freeze: not in the snapshot
            snapshot = frozen.toJson();
        }
        Base read = Base.fromJson(snapshot);
        assertThat(read.linksJson()).isEqualTo(json("[{'_id':'lk01','table1_id':'0000','table2_id':'T001',"
                + "'table1_table2_map':{'" + R1 + "':['" + P1 + "']},'table2_table1_map':{'" + P1 + "':['" + R1 + "']}}]"));
        assertThat(read.toJson()).isEqualTo(snapshot);
        assertThat(base.linksJson().get(0).path("table1_table2_map").isEmpty()).isTrue();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        read.writeForClient(out);
        assertThat(json(out.toString(java.nio.charset.StandardCharsets.UTF_8)).path("links")).isEqualTo(read.linksJson());
        // a base without links keeps its old bytes
        assertThat(Base.withDefaultTable().toJson()).doesNotContain("links");
    }

    @Test
    void badLinkOperationsAreRefusedAndChangeNothing() {
        Base base = twoTables(new ArrayList<>());
        refused(base, ADD, 404, "link_not_found");
        refused(base, LINK_COLUMN.replace("'other_table_id':'T001'", "'other_table_id':'T999'"), 404, "table_not_found");
        refused(base, LINK_COLUMN.replace(",'other_table_id':'T001'", ""), 400, "invalid_operation");
        refused(base, LINK_COLUMN.replace("'table_id':'0000','other_table_id':'T001'", "'table_id':'T001','other_table_id':'T001'"),
                400, "invalid_operation");
        run(base, LINK_COLUMN);
        refused(base, ADD.replace(R1, "ZZZZZZZZZZZZZZZZZZZZZZ"), 404, "row_not_found");
        refused(base, ADD.replace(P1, R2), 404, "row_not_found");
        refused(base, ADD.replace("'table1_id':'0000','table2_id':'T001'", "'table1_id':'T001','table2_id':'0000'"),
                400, "link_mismatch");
        refused(base, ADD.replace(",'table2_row_id':'" + P1 + "'", ""), 400, "invalid_operation");
        refused(base, ADD.replace("add_link", "remove_link"), 400, "link_not_exist");
        run(base, ADD);
        refused(base, ADD, 400, "link_inserted_exist");
        refused(base, "{'op_type':'modify_row','table_id':'0000','row_id':'" + R1 + "','updated':{'L001':['x']}}",
                400, "invalid_value");
        refused(base, "{'op_type':'insert_row','table_id':'0000','row_data':{'_id':'DDDDDDDDDDDDDDDDDDDDDD'},"
                + "'links_data':[{'link_id':'lk01'}]}", 400, "invalid_operation");
        refused(base, "{'op_type':'modify_column_type','table_id':'0000','column_key':'L001','new_column_type':'text'}",
                400, "invalid_operation");
        refused(base, "{'op_type':'modify_column_data','table_id':'0000','column_key':'L001','column_data':"
                + "{'link_id':'other','table_id':'0000','other_table_id':'T001'}}", 400, "invalid_operation");
    }

    @Test
    void deletingRowsOrATableRemovesTheirLinks() {
        Base base = twoTables(new ArrayList<>());
        run(base, LINK_COLUMN);
        run(base, ADD);
        run(base, ADD.replace(R1, R2));
        run(base, "{'op_type':'delete_row','table_id':'0000','row_id':'" + R1 + "'}");
        assertThat(link(base).path("table1_table2_map")).isEqualTo(json("{'" + R2 + "':['" + P1 + "']}"));
        assertThat(link(base).path("table2_table1_map")).isEqualTo(json("{'" + P1 + "':['" + R2 + "']}"));
        run(base, "{'op_type':'delete_rows','table_id':'T001','row_ids':['" + P1 + "']}");
        assertThat(link(base).path("table1_table2_map").isEmpty()).isTrue();
        assertThat(link(base).path("table2_table1_map").isEmpty()).isTrue();
        run(base, "{'op_type':'delete_table','table_id':'T001'}");
        assertThat(base.linksJson()).isEmpty();
    }

    @Test
    void aSnapshotWithBadLinksIsRefused() {
        String tables = "'tables':[{'_id':'0000','name':'Table1','columns':[{'key':'0000','name':'Name','type':'text'}],'rows':[]}]";
        assertThatThrownBy(() -> Base.fromJson(("{" + tables + ",'links':[{'_id':'l','table1_id':'0000','table2_id':'nope'}]}")
                .replace('\'', '"'))).isInstanceOf(ModelException.class).hasMessageContaining("names a table");
        assertThatThrownBy(() -> Base.fromJson(("{" + tables + ",'links':{}}").replace('\'', '"')))
                .isInstanceOf(ModelException.class);
        assertThatThrownBy(() -> Base.fromJson(("{" + tables + ",'links':[{'_id':'l','table1_id':'0000','table2_id':'0000',"
                + "'table1_table2_map':{'a':'b'}}]}").replace('\'', '"'))).isInstanceOf(ModelException.class);
    }
}
