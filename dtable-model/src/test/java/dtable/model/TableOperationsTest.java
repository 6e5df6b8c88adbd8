package dtable.model;

import static dtable.model.Fixtures.refused;
import static dtable.model.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class TableOperationsTest {

    @Test
    void firstTableOfAnEmptyBaseGetsId0000AndADefaultNameColumn() {
        Base base = Base.empty();
        Operation op = run(base, "{'op_type':'insert_table','table_name':'People'}");

        assertThat(op.opType()).isEqualTo("insert_table");
        assertThat(op.json().get("table_id").asString()).isEqualTo("0000");
        JsonNode column = op.json().get("columns").get(0);
        assertThat(column.get("column_key").asString()).isEqualTo("0000");
        assertThat(column.get("column_name").asString()).isEqualTo("Name");
        Table table = base.tableByName("People");
        assertThat(table.id()).isEqualTo("0000");
        assertThat(table.columns()).extracting(Column::name).containsExactly("Name");
    }

    @Test
    void laterTablesGetRandomFourCharacterIdsAndTheirOwnColumns() {
        Base base = Base.withDefaultTable();
        Operation op = run(base, "{'op_type':'insert_table','table_name':'Tasks','columns':["
                + "{'column_name':'Title','column_type':'text'},"
                + "{'column_name':'Level','column_type':'rate','column_data':{'rate_max_number':10}}]}");

        String tableId = op.json().get("table_id").asString();
        assertThat(tableId).matches("[A-Za-z0-9]{4}").isNotEqualTo("0000");
        Table table = base.tableById(tableId);
        assertThat(table.name()).isEqualTo("Tasks");
        assertThat(table.columns()).extracting(Column::name).containsExactly("Title", "Level");
        assertThat(table.columns().getFirst().key()).isEqualTo("0000");
        assertThat(table.columns().get(1).key()).matches("[A-Za-z0-9]{4}");
        assertThat(table.columns().get(1).data().get("rate_max_number").asInt()).isEqualTo(10);
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            {'op_type':'insert_table','table_name':'Table1'}                                                 | 400 | duplicate_name
            {'op_type':'insert_table'}                                                                       | 400 | invalid_operation
            {'op_type':'insert_table','table_name':'  '}                                                     | 400 | invalid_operation
            {'op_type':'insert_table','table_name':5}                                                        | 400 | invalid_operation
            {'op_type':'insert_table','table_name':'T','columns':{}}                                         | 400 | invalid_operation
            {'op_type':'insert_table','table_name':'T','columns':[{'column_name':'A','column_type':'formula'}]} | 400 | invalid_operation
            {'op_type':'insert_table','table_name':'T','columns':[{'column_name':'A','column_type':'text'},{'column_name':'A','column_type':'text'}]} | 400 | duplicate_name
            {'op_type':'insert_table','table_name':'T','table_id':'0000'}                                    | 400 | invalid_operation
            {'op_type':'insert_table','table_name':'T','table_id':'toolong'}                                 | 400 | invalid_operation
            """)
    void insertTableRefusesBadRequests(String operation, int status, String errorType) {
        refused(Base.withDefaultTable(), operation, status, errorType);
    }

    @Test
    void aProposedTableIdIsKept() {
        Base base = Base.withDefaultTable();
        run(base, "{'op_type':'insert_table','table_name':'T','table_id':'abcd'}");
        assertThat(base.tableById("abcd").name()).isEqualTo("T");
    }

    @Test
    void renameTableByNameOrIdIsLoggedById() {
        Base base = Base.withDefaultTable();
        Operation op = run(base, "{'op_type':'rename_table','table_name':'Table1','new_table_name':'People'}");
        assertThat(op.json().toString()).isEqualTo(
                "{\"op_type\":\"rename_table\",\"table_id\":\"0000\",\"new_table_name\":\"People\"}");
        run(base, "{'op_type':'rename_table','table_id':'0000','new_table_name':'Persons'}");
        assertThat(base.tableById("0000").name()).isEqualTo("Persons");
        run(base, "{'op_type':'rename_table','table_id':'0000','new_table_name':'Persons'}");
        assertThat(base.version()).isEqualTo(3);
    }

    @Test
    void renameTableRefusesBadRequests() {
        Base base = Base.withDefaultTable();
        run(base, "{'op_type':'insert_table','table_name':'Other'}");
        refused(base, "{'op_type':'rename_table','table_name':'Nope','new_table_name':'X'}", 404, "table_not_found");
        refused(base, "{'op_type':'rename_table','table_id':'zzzz','new_table_name':'X'}", 404, "table_not_found");
        refused(base, "{'op_type':'rename_table','table_name':'Table1','new_table_name':'Other'}", 400, "duplicate_name");
        refused(base, "{'op_type':'rename_table','table_name':'Table1'}", 400, "invalid_operation");
        refused(base, "{'op_type':'rename_table','new_table_name':'X'}", 400, "invalid_operation");
    }

    @Test
    void deleteTableRemovesItAndItsRows() {
        Base base = Base.withDefaultTable();
        Fixtures.insert(base, "{'Name':'x'}");
        run(base, "{'op_type':'insert_table','table_name':'Other'}");
        Operation op = run(base, "{'op_type':'delete_table','table_name':'Table1'}");
        assertThat(op.json().toString()).isEqualTo("{\"op_type\":\"delete_table\",\"table_id\":\"0000\"}");
        assertThat(base.tables()).extracting(Table::name).containsExactly("Other");
        assertThat(base.rowCount()).isZero();
        refused(base, "{'op_type':'delete_table','table_name':'Table1'}", 404, "table_not_found");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{'op_type':'drop_everything'}", "{'table_name':'Table1'}", "[1, 2]", "{'op_type':7}"})
    void unknownOperationsAndShapesAreRefused(String operation) {
        refused(Base.withDefaultTable(), operation, 400, "invalid_operation");
    }
}
