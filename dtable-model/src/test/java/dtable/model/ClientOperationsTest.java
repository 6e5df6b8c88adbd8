package dtable.model;

import static dtable.model.Fixtures.refused;
import static dtable.model.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Operations in the shape SeaTable's browser client (dtable-store 6.2.2) builds, and the node's own rewritten for it. */
class ClientOperationsTest {

    private static Base twoColumns() {
        Base base = Base.withDefaultTable();
        run(base, "{'op_type':'insert_column','table_id':'0000','column_name':'Count','column_type':'number','column_key':'C001'}");
        return base;
    }

    /** The logged operation replays to the same base on a copy taken before it. */
    private static Operation runAndReplay(Base base, String operation) {
        Base before = base.copy();
        Operation op = run(base, operation);
        before.replay(op.json());
        assertThat(before.toJson()).isEqualTo(base.toJson());
        return op;
    }

    /** With an anchor the column goes after it; without one after the last column, and the log names that one. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            {'op_type':'insert_column','table_id':'0000','column_key':'0000','column_data':{'key':'K123','name':'Notes','type':'text','width':200,'editable':true,'data':null}} | 0000 K123 C001 | 0000
            {'op_type':'insert_column','table_id':'0000','column_data':{'key':'K124','name':'Due','type':'date','data':{'format':'YYYY-MM-DD'}}}                                | 0000 C001 K124 | C001
            """)
    void insertColumnIsPlacedByItsAnchorAndLoggedInTheClientsShape(String operation, String keysAfter, String loggedAnchor) {
        Base base = twoColumns();
        ObjectNode logged = runAndReplay(base, operation).json();
        assertThat(base.tableById("0000").columns()).extracting(Column::key).containsExactly(keysAfter.split(" "));
        assertThat(logged.path("column_key").asString()).isEqualTo(loggedAnchor);
        JsonNode sent = Fixtures.json(operation).path("column_data");
        sent.properties().forEach(field -> assertThat(logged.path("column_data").path(field.getKey()))
                .as(field.getKey()).isEqualTo(field.getValue()));
        assertThat(ClientOperations.toClientShape(logged)).isSameAs(logged);
    }

    /** Refused on a base with the columns Name (0000) and Count (C001). */
    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            {'op_type':'insert_column','table_id':'0000','column_key':'nope','column_data':{'key':'K125','name':'X','type':'text'}}     | 400 | column_not_found
            {'op_type':'insert_column','table_id':'0000','column_key':'0000','column_data':{'key':'K125','name':'Count','type':'text'}} | 400 | duplicate_name
            {'op_type':'insert_column','table_id':'0000','column_data':{'key':'K125','name':'X','type':'bogus'}}                        | 400 | invalid_operation
            {'op_type':'insert_table','table_data':{'_id':'T001','name':'Table1','columns':[{'key':'0000','name':'Name','type':'text'}],'rows':[]}} | 400 | duplicate_name
            {'op_type':'rename_table','table_id':'zzzz','table_name':'X'}                                                               | 404 | table_not_found
            """)
    void clientShapedColumnAndTableOperationsRefuseBadInput(String operation, int status, String errorType) {
        refused(twoColumns(), operation, status, errorType);
    }

    @Test
    void insertTableFromTableDataKeepsItsIdsAndGetsTheDefaultView() {
        Base base = Base.withDefaultTable();
        Operation op = runAndReplay(base, "{'op_type':'insert_table','table_data':{'_id':'T001','name':'Projects',"
                + "'is_header_locked':false,'columns':[{'key':'0000','name':'Name','type':'text','width':200}],"
                + "'rows':[],'id_row_map':{}}}");
        assertThat(base.tableById("T001").name()).isEqualTo("Projects");
        JsonNode table = op.json().path("table_data");
        assertThat(table.path("views").get(0).path("name").asString()).isEqualTo("Default View");
        assertThat(table.path("columns").get(0).path("width").asInt()).isEqualTo(200);
    }

    @Test
    void renameTableTakesTheClientsTableName() {
        Base base = Base.withDefaultTable();
        Operation op = runAndReplay(base, "{'op_type':'rename_table','table_id':'0000','table_name':'People'}");
        assertThat(base.tableById("0000").name()).isEqualTo("People");
        assertThat(op.json().path("table_name").asString()).isEqualTo("People");
    }

    @Test
    void anEmptyAnchorInsertsAtTheEnd() {
        Base base = Base.withDefaultTable();
        run(base, "{'op_type':'insert_row','table_id':'0000','row_id':'','row_data':{'_id':'AAAAAAAAAAAAAAAAAAAAAA'}}");
        runAndReplay(base, "{'op_type':'insert_row','table_id':'0000','row_id':null,'row_insert_position':'insert_below',"
                + "'row_data':{'_id':'BBBBBBBBBBBBBBBBBBBBBB','_creator':'a','_participants':[],'0000':'x'}}");
        assertThat(base.tableById("0000").row(1).id()).isEqualTo("BBBBBBBBBBBBBBBBBBBBBB");
    }

    @Test
    void theNodesOwnShapesAreRewrittenForTheClient() {
        Base base = twoColumns();
        ObjectNode column = run(base, "{'op_type':'insert_column','table_id':'0000','column_name':'Tag',"
                + "'column_type':'single-select','column_key':'S001'}").json();
        ObjectNode shaped = ClientOperations.toClientShape(column);
        assertThat(shaped.path("column_key").asString()).isEqualTo("C001");
        assertThat(shaped.path("column_data").path("key").asString()).isEqualTo("S001");
        assertThat(shaped.path("column_data").path("name").asString()).isEqualTo("Tag");
        assertThat(shaped.path("column_data").path("type").asString()).isEqualTo("single-select");

        ObjectNode table = run(base, "{'op_type':'insert_table','table_name':'Notes'}").json();
        JsonNode data = ClientOperations.toClientShape(table).path("table_data");
        assertThat(data.path("_id").asString()).isEqualTo(table.path("table_id").asString());
        assertThat(data.path("name").asString()).isEqualTo("Notes");
        assertThat(data.path("columns").get(0).path("name").asString()).isEqualTo("Name");
        assertThat(data.path("views")).hasSize(1);

        ObjectNode rename = run(base, "{'op_type':'rename_table','table_name':'Notes','new_table_name':'Memos'}").json();
        assertThat(ClientOperations.toClientShape(rename).path("table_name").asString()).isEqualTo("Memos");
    }

    @Test
    void viewsAreKeptChangedAndWrittenAsTheClientMadeThem() {
        Base base = Base.withDefaultTable();
        runAndReplay(base, "{'op_type':'insert_view','table_id':'0000','view_data':{'_id':'V001','name':'Open',"
                + "'type':'table','filters':[],'sorts':[],'groupbys':[],'hidden_columns':[],'row_height':'default'}}");
        runAndReplay(base, "{'op_type':'modify_filters','table_id':'0000','view_id':'V001','filter_conjunction':'Or',"
                + "'filters':[{'column_key':'0000','filter_predicate':'contains','filter_term':'x'}]}");
        runAndReplay(base, "{'op_type':'modify_sorts','table_id':'0000','view_id':'V001','sorts':[{'column_key':'0000','sort_type':'up'}]}");
        runAndReplay(base, "{'op_type':'modify_hidden_columns','table_id':'0000','view_id':'0000','hidden_columns':['0000']}");
        runAndReplay(base, "{'op_type':'modify_groupbys','table_id':'0000','view_id':'V001','groupbys':[]}");
        runAndReplay(base, "{'op_type':'rename_view','table_id':'0000','view_id':'V001','view_name':'Mine'}");
        assertThat(base.tableById("0000").views()).extracting(v -> v.path("name").asString())
                .containsExactly("Default View", "Mine");
        JsonNode mine = base.tableById("0000").views().get(1);
        assertThat(mine.path("filter_conjunction").asString()).isEqualTo("Or");
        assertThat(mine.path("filters").get(0).path("filter_term").asString()).isEqualTo("x");
        assertThat(mine.path("row_height").asString()).isEqualTo("default");
        assertThat(Base.fromJson(base.toJson()).toJson()).isEqualTo(base.toJson());
        refused(base, "{'op_type':'insert_view','table_id':'0000','view_data':{'_id':'V001','name':'Again'}}", 400,
                "duplicate_view");
        refused(base, "{'op_type':'rename_view','table_id':'0000','view_id':'nope','view_name':'X'}", 404, "view_not_found");
        refused(base, "{'op_type':'modify_sorts','table_id':'0000','view_id':'V001','sorts':'up'}", 400, "invalid_operation");
        runAndReplay(base, "{'op_type':'delete_view','table_id':'0000','view_id':'0000','view_name':'Default View'}");
        refused(base, "{'op_type':'delete_view','table_id':'0000','view_id':'V001'}", 400, "invalid_operation");
        assertThat(base.tableById("0000").views()).hasSize(1);
    }

    @Test
    void insertRowsPlacesEachRowAtItsOwnAnchorAndTheNodesShapeNamesAnAnchorPerRow() {
        Base base = Base.withDefaultTable();
        run(base, "{'op_type':'insert_row','table_id':'0000','row_data':{'_id':'AAAAAAAAAAAAAAAAAAAAAA'}}");
        run(base, "{'op_type':'insert_row','table_id':'0000','row_data':{'_id':'ZZZZZZZZZZZZZZZZZZZZZZ'}}");
        runAndReplay(base, "{'op_type':'insert_rows','table_id':'0000','row_insert_position':'insert_below',"
                + "'row_ids':['AAAAAAAAAAAAAAAAAAAAAA','BBBBBBBBBBBBBBBBBBBBBB'],"
                + "'row_datas':[{'_id':'BBBBBBBBBBBBBBBBBBBBBB'},{'_id':'CCCCCCCCCCCCCCCCCCCCCC'}]}");
        assertThat(base.tableById("0000").rows(0, 4)).extracting(Row::id).containsExactly("AAAAAAAAAAAAAAAAAAAAAA",
                "BBBBBBBBBBBBBBBBBBBBBB", "CCCCCCCCCCCCCCCCCCCCCC", "ZZZZZZZZZZZZZZZZZZZZZZ");
        Operation appended = runAndReplay(base, "{'op_type':'append_rows','table_id':'0000',"
                + "'row_datas':[{'_id':'DDDDDDDDDDDDDDDDDDDDDD'},{'_id':'EEEEEEEEEEEEEEEEEEEEEE'}]}");
        assertThat(appended.json().path("row_ids")).extracting(JsonNode::asString)
                .containsExactly("ZZZZZZZZZZZZZZZZZZZZZZ", "DDDDDDDDDDDDDDDDDDDDDD");
        refused(base, "{'op_type':'insert_rows','table_id':'0000','row_ids':['nope'],"
                + "'row_datas':[{'_id':'FFFFFFFFFFFFFFFFFFFFFF'}]}", 404, "row_not_found");
        refused(base, "{'op_type':'insert_rows','table_id':'0000','row_ids':['AAAAAAAAAAAAAAAAAAAAAA'],"
                + "'row_datas':[{'_id':'FFFFFFFFFFFFFFFFFFFFFF'},{'_id':'GGGGGGGGGGGGGGGGGGGGGG'}]}", 400, "invalid_operation");
    }

    @Test
    void modifyColumnDataKeepsTheTypeAndClearsCellsOfRemovedOptions() {
        Base base = Base.withDefaultTable();
        run(base, "{'op_type':'insert_column','table_id':'0000','column_name':'S','column_type':'single-select',"
                + "'column_key':'S001','column_data':{'options':[{'id':'111111','name':'a'},{'id':'222222','name':'b'}]}}");
        run(base, "{'op_type':'insert_row','table_id':'0000','row_data':{'_id':'AAAAAAAAAAAAAAAAAAAAAA','S001':'222222'}}");
        runAndReplay(base, "{'op_type':'modify_column_data','table_id':'0000','column_key':'S001',"
                + "'column_data':{'options':[{'id':'111111','name':'a'}]}}");
        assertThat(base.tableById("0000").columnByKey("S001").type()).isEqualTo(ColumnType.SINGLE_SELECT);
        assertThat(base.tableById("0000").rowById("AAAAAAAAAAAAAAAAAAAAAA").cell(base.tableById("0000").columnByKey("S001")))
                .isNull();
        refused(base, "{'op_type':'modify_column_data','table_id':'0000','column_key':'nope','column_data':{}}", 400,
                "column_not_found");
    }

    @Test
    void aTypeChangeIsConvertedByTheNodeAndLoggedWithTheColumnAndRowsTheClientApplies() {
        Base base = twoColumns();
        run(base, "{'op_type':'insert_row','table_id':'0000','row_data':{'_id':'AAAAAAAAAAAAAAAAAAAAAA','C001':5}}");
        run(base, "{'op_type':'insert_row','table_id':'0000','row_data':{'_id':'BBBBBBBBBBBBBBBBBBBBBB','0000':'x'}}");
        Operation op = runAndReplay(base, "{'op_type':'modify_column_type','table_id':'0000','column_key':'C001',"
                + "'new_column':{'key':'C001','name':'Count','type':'text','data':null,'width':120},"
                + "'old_column':{'key':'C001','name':'Count','type':'number'},"
                + "'new_rows_data':[{'_id':'AAAAAAAAAAAAAAAAAAAAAA','C001':'not what the node says'}]}");
        assertThat(base.tableById("0000").columnByKey("C001").type()).isEqualTo(ColumnType.TEXT);
        assertThat(base.tableById("0000").rowById("AAAAAAAAAAAAAAAAAAAAAA").cell(base.tableById("0000").columnByKey("C001")))
                .isEqualTo("5");
        JsonNode logged = op.json();
        assertThat(logged.path("new_column").path("type").asString()).isEqualTo("text");
        assertThat(logged.path("new_column").path("width").asInt()).isEqualTo(120);
        assertThat(logged.path("new_rows_data")).hasSize(1);
        assertThat(logged.path("new_rows_data").get(0).path("C001").asString()).isEqualTo("5");
        ObjectNode own = run(base, "{'op_type':'modify_column_type','table_id':'0000','column_key':'C001',"
                + "'new_column_type':'number'}").json();
        assertThat(own.path("new_column").path("name").asString()).isEqualTo("Count");
        assertThat(own.path("new_rows_data").get(0).path("C001").asInt()).isEqualTo(5);
    }
}
