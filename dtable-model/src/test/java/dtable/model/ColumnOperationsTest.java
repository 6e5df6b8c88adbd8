package dtable.model;

import static dtable.model.Fixtures.allTypes;
import static dtable.model.Fixtures.cell;
import static dtable.model.Fixtures.insert;
import static dtable.model.Fixtures.refused;
import static dtable.model.Fixtures.run;
import static dtable.model.Fixtures.table1;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

class ColumnOperationsTest {

    @Test
    void insertColumnAppendsAColumnWithANewKey() {
        Base base = Base.withDefaultTable();
        Operation op = run(base, "{'op_type':'insert_column','table_name':'Table1','column_name':'Age','column_type':'number'}");

        String key = op.json().get("column_key").asString();
        assertThat(key).matches("[A-Za-z0-9]{4}").isNotEqualTo("0000");
        assertThat(op.json().get("table_id").asString()).isEqualTo("0000");
        assertThat(op.json().has("table_name")).isFalse();
        assertThat(table1(base).columns()).extracting(Column::name).containsExactly("Name", "Age");
        assertThat(table1(base).columnByKey(key).type()).isEqualTo(ColumnType.NUMBER);
    }

    @Test
    void selectOptionsWithoutIdsGetIdsInThePreparedOperation() {
        Base base = Base.withDefaultTable();
        Operation op = run(base, "{'op_type':'insert_column','table_name':'Table1','column_name':'S','column_type':'single-select',"
                + "'column_data':{'options':[{'name':'A'},{'id':'b','name':'B'}]}}");
        JsonNode options = op.json().get("column_data").get("options");
        assertThat(options.get(0).get("id").asString()).matches("\\d{6}");
        assertThat(options.get(1).get("id").asString()).isEqualTo("b");
    }

    @Test
    void renameColumnByKeyOrName() {
        Base base = allTypes();
        String key = Fixtures.key(base, "Amount");
        Operation op = run(base, "{'op_type':'rename_column','table_name':'Table1','column_name':'Amount','new_column_name':'Price'}");
        assertThat(op.json().get("column_key").asString()).isEqualTo(key);
        assertThat(op.json().has("column_name")).isFalse();
        run(base, "{'op_type':'rename_column','table_id':'0000','column_key':'" + key + "','new_column_name':'Cost'}");
        assertThat(table1(base).columnByKey(key).name()).isEqualTo("Cost");
        assertThat(table1(base).columnByName("Amount")).isNull();
        assertThat(table1(base).columnByName("Price")).isNull();
    }

    @Test
    void deleteColumnClearsItsCellsAndItsSlotIsReusedClean() {
        Base base = allTypes();
        String rowId = insert(base, "{'Name':'a','Notes':'secret'}");
        run(base, "{'op_type':'delete_column','table_name':'Table1','column_name':'Notes'}");
        assertThat(table1(base).columnByName("Notes")).isNull();
        assertThat(base.toJson()).doesNotContain("secret");

        run(base, "{'op_type':'insert_column','table_name':'Table1','column_name':'Fresh','column_type':'text'}");
        assertThat(cell(base, rowId, "Fresh")).isNull();
        assertThat(Base.fromJson(base.toJson()).toJson()).isEqualTo(base.toJson());
    }

    @Test
    void modifyColumnTypeConvertsWhatFitsAndClearsTheRest() {
        Base base = allTypes();
        String numeric = insert(base, "{'Name':' 42 ','Notes':'1.50','Amount':3,'Done':true,'Due':'2024-01-02'}");
        String wordy = insert(base, "{'Name':'hello','Notes':'abc','Amount':2.5,'Done':false}");

        run(base, "{'op_type':'modify_column_type','table_name':'Table1','column_name':'Name','new_column_type':'number'}");
        run(base, "{'op_type':'modify_column_type','table_name':'Table1','column_name':'Amount','new_column_type':'text'}");
        run(base, "{'op_type':'modify_column_type','table_name':'Table1','column_name':'Done','new_column_type':'text'}");
        run(base, "{'op_type':'modify_column_type','table_name':'Table1','column_name':'Notes','new_column_type':'rate'}");
        run(base, "{'op_type':'modify_column_type','table_name':'Table1','column_name':'Due','new_column_type':'email'}");

        assertThat(cell(base, numeric, "Name")).isEqualTo(42L);
        assertThat(cell(base, wordy, "Name")).isNull();
        assertThat(cell(base, numeric, "Amount")).isEqualTo("3");
        assertThat(cell(base, wordy, "Amount")).isEqualTo("2.5");
        assertThat(cell(base, numeric, "Done")).isEqualTo("true");
        assertThat(cell(base, numeric, "Notes")).isNull(); // 1.50 is not an integer
        assertThat(cell(base, numeric, "Due")).isNull();
        assertThat(table1(base).columnByName("Name").type()).isEqualTo(ColumnType.NUMBER);
    }

    @Test
    void textBecomingSingleSelectGetsOneOptionPerDistinctText() {
        Base base = allTypes();
        String a = insert(base, "{'Name':'red'}");
        String b = insert(base, "{'Name':'blue'}");
        String c = insert(base, "{'Name':'red'}");
        Operation op = run(base, "{'op_type':'insert_column','table_name':'Table1','column_name':'Colour','column_type':'text'}");
        String key = op.json().get("column_key").asString();
        run(base, "{'op_type':'modify_row','table_name':'Table1','row_id':'" + a + "','updated':{'Colour':'x, y'}}");

        Operation retype = run(base, "{'op_type':'modify_column_type','table_name':'Table1','column_key':'" + key
                + "','new_column_type':'multiple-select'}");

        JsonNode options = retype.json().get("new_column_data").get("options");
        assertThat(options).extracting(o -> o.get("name").asString()).containsExactly("x", "y");
        Column colour = table1(base).columnByKey(key);
        assertThat((String[]) table1(base).rowById(a).cell(colour)).extracting(colour::optionName).containsExactly("x", "y");
        assertThat(table1(base).rowById(b).cell(colour)).isNull();

        Operation toSingle = run(base, "{'op_type':'modify_column_type','table_name':'Table1','column_name':'Name',"
                + "'new_column_type':'single-select'}");
        assertThat(toSingle.json().get("new_column_data").get("options")).hasSize(2);
        Column name = table1(base).columnByName("Name");
        assertThat(name.optionName((String) table1(base).rowById(c).cell(name))).isEqualTo("red");
    }

    @Test
    void selectOptionsCanBeReplacedAndCellsFollowIdsThenNames() {
        Base base = allTypes();
        String row = insert(base, "{'Status':'Open','Tags':['red','blue']}");
        run(base, "{'op_type':'modify_column_type','table_name':'Table1','column_name':'Tags','new_column_type':'multiple-select',"
                + "'new_column_data':{'options':[{'id':'n1','name':'blue'},{'id':'t1','name':'crimson'}]}}");
        assertThat((String[]) cell(base, row, "Tags")).containsExactly("t1", "n1");

        run(base, "{'op_type':'modify_column_type','table_name':'Table1','column_name':'Status','new_column_type':'multiple-select'}");
        assertThat((String[]) cell(base, row, "Status")).containsExactly("s1");
        assertThat(table1(base).columnByName("Status").optionName("s1")).isEqualTo("Open");

        run(base, "{'op_type':'modify_column_type','table_name':'Table1','column_name':'Status','new_column_type':'text'}");
        assertThat(cell(base, row, "Status")).isEqualTo("Open");
    }

    /**
     * The column operations' refusals, each prepared on a fresh base: {@code default} (one table with
     * the primary column Name) or {@code allTypes} ({@link Fixtures#allTypes}).
     */
    @ParameterizedTest(name = "{1} -> {2} {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # insert_column
            default  | {'op_type':'insert_column','table_name':'Table1','column_name':'Name','column_type':'text'}              | 400 | duplicate_name
            default  | {'op_type':'insert_column','table_name':'Table1','column_name':'X','column_type':'link'}                 | 400 | invalid_operation
            default  | {'op_type':'insert_column','table_name':'Table1','column_name':'X'}                                      | 400 | invalid_operation
            default  | {'op_type':'insert_column','table_name':'Table1','column_type':'text'}                                   | 400 | invalid_operation
            default  | {'op_type':'insert_column','table_name':'Table1','column_name':'X','column_type':'text','column_data':[1]} | 400 | invalid_operation
            default  | {'op_type':'insert_column','table_name':'Table1','column_name':'X','column_type':'rate','column_data':{'rate_max_number':11}} | 400 | invalid_operation
            default  | {'op_type':'insert_column','table_name':'Table1','column_name':'X','column_type':'single-select','column_data':{'options':[{'name':'A'},{'name':'A'}]}} | 400 | duplicate_name
            default  | {'op_type':'insert_column','table_name':'Table1','column_name':'X','column_type':'single-select','column_data':{'options':[{'id':'1','name':'A'},{'id':'1','name':'B'}]}} | 400 | invalid_operation
            default  | {'op_type':'insert_column','table_name':'Table1','column_name':'X','column_type':'text','column_key':'0000'} | 400 | invalid_operation
            default  | {'op_type':'insert_column','table_name':'Nope','column_name':'X','column_type':'text'}                   | 404 | table_not_found
            # rename_column
            allTypes | {'op_type':'rename_column','table_name':'Table1','column_name':'Nope','new_column_name':'X'}          | 400 | column_not_found
            allTypes | {'op_type':'rename_column','table_name':'Table1','column_key':'zzzz','new_column_name':'X'}           | 400 | column_not_found
            allTypes | {'op_type':'rename_column','table_name':'Table1','column_name':'Amount','new_column_name':'Name'}      | 400 | duplicate_name
            allTypes | {'op_type':'rename_column','table_name':'Table1','new_column_name':'X'}                               | 400 | invalid_operation
            allTypes | {'op_type':'rename_column','table_name':'Nope','column_name':'Amount','new_column_name':'X'}          | 404 | table_not_found
            # delete_column: an unknown column, and the primary column
            allTypes | {'op_type':'delete_column','table_name':'Table1','column_name':'Nope'}                               | 400 | column_not_found
            allTypes | {'op_type':'delete_column','table_name':'Table1','column_key':'0000'}                                | 400 | invalid_operation
            # modify_column_type
            allTypes | {'op_type':'modify_column_type','table_name':'Table1','column_name':'Nope','new_column_type':'text'}   | 400 | column_not_found
            allTypes | {'op_type':'modify_column_type','table_name':'Table1','column_name':'Name','new_column_type':'button'} | 400 | invalid_operation
            allTypes | {'op_type':'modify_column_type','table_name':'Table1','column_name':'Name'}                           | 400 | invalid_operation
            allTypes | {'op_type':'modify_column_type','table_name':'Table1','column_name':'Name','new_column_type':'rate','new_column_data':{'rate_max_number':0}} | 400 | invalid_operation
            allTypes | {'op_type':'modify_column_type','table_name':'Nope','column_name':'Name','new_column_type':'text'}     | 404 | table_not_found
            """)
    void refusesBadRequests(String base, String operation, int status, String errorType) {
        refused(Fixtures.base(base), operation, status, errorType);
    }
}
