package dtable.model;

import static dtable.model.Fixtures.NOW_TEXT;
import static dtable.model.Fixtures.allTypes;
import static dtable.model.Fixtures.cell;
import static dtable.model.Fixtures.insert;
import static dtable.model.Fixtures.refused;
import static dtable.model.Fixtures.run;
import static dtable.model.Fixtures.table1;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class RowOperationsTest {

    private static List<String> order(Base base) {
        List<String> names = new ArrayList<>();
        Table table = table1(base);
        for (int i = 0; i < table.rowCount(); i++) {
            names.add((String) table.row(i).cell(table.columnByName("Name")));
        }
        return names;
    }

    @Test
    void insertRowFillsIdTimesAndKeysInTheLoggedOperation() {
        Base base = allTypes();
        String amountKey = Fixtures.key(base, "Amount");
        Operation op = run(base, "{'op_type':'insert_row','table_name':'Table1','row_data':{'Name':'a','" + amountKey
                + "':5,'Status':'Open','Notes':null,'_creator':'x','_ctime':'1999-01-01T00:00:00.000Z'}}");

        JsonNode data = op.json().get("row_data");
        assertThat(op.json().get("table_id").asString()).isEqualTo("0000");
        assertThat(op.json().has("table_name")).isFalse();
        assertThat(data.get("_id").asString()).matches("[A-Za-z0-9_-]{22}");
        assertThat(data.get("_ctime").asString()).isEqualTo(NOW_TEXT);
        assertThat(data.get("_mtime").asString()).isEqualTo(NOW_TEXT);
        assertThat(data.get("0000").asString()).isEqualTo("a");
        assertThat(data.get(amountKey).asLong()).isEqualTo(5);
        assertThat(data.get(Fixtures.key(base, "Status")).asString()).isEqualTo("s1");
        assertThat(data.has("Name")).isFalse();
        assertThat(data.has(Fixtures.key(base, "Notes"))).isFalse();
        assertThat(data.has("_creator")).isFalse();
        assertThat(op.insertedRowIds()).containsExactly(data.get("_id").asString());

        Row row = table1(base).rowById(data.get("_id").asString());
        assertThat(row.ctime()).isEqualTo(Fixtures.NOW.toEpochMilli());
        assertThat(row.cell(table1(base).columnByName("Amount"))).isEqualTo(5L);
    }

    @Test
    void insertRowGoesBelowOrAboveAnAnchor() {
        Base base = Base.withDefaultTable();
        String a = insert(base, "{'Name':'a'}");
        String c = insert(base, "{'Name':'c'}");
        run(base, "{'op_type':'insert_row','table_name':'Table1','row_id':'" + a
                + "','row_insert_position':'insert_below','row_data':{'Name':'b'}}");
        run(base, "{'op_type':'insert_row','table_name':'Table1','row_id':'" + a
                + "','row_insert_position':'insert_above','row_data':{'Name':'0'}}");
        Operation op = run(base, "{'op_type':'insert_row','table_name':'Table1','row_id':'" + c + "','row_data':{'Name':'d'}}");

        assertThat(order(base)).containsExactly("0", "a", "b", "c", "d");
        assertThat(op.json().get("row_insert_position").asString()).isEqualTo("insert_below");
    }

    @Test
    void aProposedRowIdIsKeptWhenWellFormedAndFree() {
        Base base = Base.withDefaultTable();
        String id = insert(base, "{'_id':'Qtf7xPs9S7y3s2rp_KgC7w','Name':'a'}");
        assertThat(id).isEqualTo("Qtf7xPs9S7y3s2rp_KgC7w");
        refused(base, "{'op_type':'insert_row','table_name':'Table1','row_data':{'_id':'Qtf7xPs9S7y3s2rp_KgC7w'}}", 400,
                "invalid_operation");
        refused(base, "{'op_type':'insert_row','table_name':'Table1','row_data':{'_id':'short'}}", 400, "invalid_operation");
    }

    @Test
    void insertRowRefusesBadRequests() {
        Base base = allTypes();
        String row = insert(base, "{'Name':'a'}");
        refused(base, "{'op_type':'insert_row','table_name':'Nope','row_data':{}}", 404, "table_not_found");
        refused(base, "{'op_type':'insert_row','table_name':'Table1','row_data':{'Nope':1}}", 400, "column_not_found");
        refused(base, "{'op_type':'insert_row','table_name':'Table1','row_data':{'Amount':'many'}}", 400, "invalid_value");
        refused(base, "{'op_type':'insert_row','table_name':'Table1','row_data':{'Name':'a','0000':'b'}}", 400,
                "invalid_operation");
        refused(base, "{'op_type':'insert_row','table_name':'Table1','row_data':[]}", 400, "invalid_operation");
        refused(base, "{'op_type':'insert_row','table_name':'Table1'}", 400, "invalid_operation");
        refused(base, "{'op_type':'insert_row','table_name':'Table1','row_id':'nope','row_data':{}}", 404, "row_not_found");
        refused(base, "{'op_type':'insert_row','table_name':'Table1','row_id':'" + row
                + "','row_insert_position':'sideways','row_data':{}}", 400, "invalid_operation");
    }

    @Test
    void insertRowsAppendsAllOrNothing() {
        Base base = allTypes();
        insert(base, "{'Name':'first'}");
        Operation op = run(base, "{'op_type':'append_rows','table_name':'Table1','row_datas':[{'Name':'a'},{'Name':'b','Stars':3}]}");
        assertThat(op.opType()).isEqualTo("insert_rows");
        assertThat(op.insertedRowIds()).hasSize(2).doesNotHaveDuplicates();
        assertThat(order(base)).containsExactly("first", "a", "b");

        // one bad row among good ones: nothing changes, version included (refused() checks both)
        refused(base, "{'op_type':'insert_rows','table_name':'Table1','row_datas':[{'Name':'c'},{'Stars':4},{'Name':'d'}]}",
                400, "invalid_value");
        refused(base, "{'op_type':'insert_rows','table_name':'Table1','row_datas':[{'Name':'c'},{'Bogus':1}]}", 400,
                "column_not_found");
        refused(base, "{'op_type':'insert_rows','table_name':'Table1','row_datas':[]}", 400, "invalid_operation");
        refused(base, "{'op_type':'insert_rows','table_name':'Table1','row_datas':[1]}", 400, "invalid_operation");
        refused(base, "{'op_type':'insert_rows','table_name':'Table1','row_datas':[{'_id':'Qtf7xPs9S7y3s2rp_KgC7w'},"
                + "{'_id':'Qtf7xPs9S7y3s2rp_KgC7w'}]}", 400, "invalid_operation");
        assertThat(base.rowCount()).isEqualTo(3);
    }

    @Test
    void insertRowsCanGoBelowAnAnchorTogether() {
        Base base = Base.withDefaultTable();
        String a = insert(base, "{'Name':'a'}");
        insert(base, "{'Name':'d'}");
        run(base, "{'op_type':'insert_rows','table_name':'Table1','row_id':'" + a + "','row_datas':[{'Name':'b'},{'Name':'c'}]}");
        assertThat(order(base)).containsExactly("a", "b", "c", "d");
    }

    @Test
    void modifyRowChangesAndClearsCellsAndStampsMtime() {
        Base base = allTypes();
        String row = insert(base, "{'Name':'a','Amount':1,'Tags':['red']}");
        Operation op = run(base, "{'op_type':'modify_row','table_name':'Table1','row_id':'" + row
                + "','updated':{'Amount':2.25,'Tags':null},'old_row_data':{'Amount':1}}");

        assertThat(op.json().get("updated").get("_mtime").asString()).isEqualTo(NOW_TEXT);
        assertThat(op.json().get("updated").get(Fixtures.key(base, "Tags")).isNull()).isTrue();
        assertThat(op.json().has("old_row_data")).isFalse();
        assertThat(cell(base, row, "Amount")).isEqualTo(2.25);
        assertThat(cell(base, row, "Tags")).isNull();
        assertThat(cell(base, row, "Name")).isEqualTo("a");
    }

    @Test
    void modifyRowRefusesBadRequests() {
        Base base = allTypes();
        String row = insert(base, "{'Name':'a'}");
        refused(base, "{'op_type':'modify_row','table_name':'Table1','row_id':'nope','updated':{'Name':'b'}}", 404,
                "row_not_found");
        refused(base, "{'op_type':'modify_row','table_name':'Nope','row_id':'" + row + "','updated':{}}", 404,
                "table_not_found");
        refused(base, "{'op_type':'modify_row','table_name':'Table1','row_id':'" + row + "','updated':{'Nope':1}}", 400,
                "column_not_found");
        refused(base, "{'op_type':'modify_row','table_name':'Table1','row_id':'" + row + "','updated':{'Done':'yes'}}", 400,
                "invalid_value");
        refused(base, "{'op_type':'modify_row','table_name':'Table1','row_id':'" + row + "'}", 400, "invalid_operation");
        refused(base, "{'op_type':'modify_row','table_name':'Table1','updated':{}}", 400, "invalid_operation");
    }

    @Test
    void modifyRowsUpdatesEachRowAtomically() {
        Base base = allTypes();
        String a = insert(base, "{'Name':'a'}");
        String b = insert(base, "{'Name':'b'}");
        Operation op = run(base, "{'op_type':'modify_rows','table_name':'Table1','row_ids':['" + a + "','" + b + "'],"
                + "'updated':{'" + a + "':{'Name':'A'},'" + b + "':{'Amount':7}}}");
        assertThat(op.json().get("updated").get(b).get("_mtime").asString()).isEqualTo(NOW_TEXT);
        assertThat(cell(base, a, "Name")).isEqualTo("A");
        assertThat(cell(base, b, "Amount")).isEqualTo(7L);

        run(base, "{'op_type':'modify_rows','table_name':'Table1','updated':{'" + a + "':{'Name':'AA'}}}");
        assertThat(cell(base, a, "Name")).isEqualTo("AA");

        String prefix = "{'op_type':'modify_rows','table_name':'Table1',";
        refused(base, prefix + "'updated':{'" + a + "':{'Name':'x'},'" + b + "':{'Amount':'x'}}}", 400, "invalid_value");
        refused(base, prefix + "'updated':{'" + a + "':{'Name':'x'},'nope':{'Name':'y'}}}", 404, "row_not_found");
        refused(base, prefix + "'row_ids':['" + a + "'],'updated':{'" + b + "':{'Name':'x'}}}", 400, "invalid_operation");
        refused(base, prefix + "'row_ids':['" + a + "','" + a + "'],'updated':{'" + a + "':{}}}", 400, "invalid_operation");
        refused(base, prefix + "'updated':{}}", 400, "invalid_operation");
        refused(base, prefix + "'updated':{'" + a + "':5}}", 400, "invalid_operation");
    }

    @Test
    void deleteRowAndDeleteRows() {
        Base base = Base.withDefaultTable();
        String a = insert(base, "{'Name':'a'}");
        String b = insert(base, "{'Name':'b'}");
        String c = insert(base, "{'Name':'c'}");
        String d = insert(base, "{'Name':'d'}");

        run(base, "{'op_type':'delete_row','table_name':'Table1','row_id':'" + b + "'}");
        assertThat(order(base)).containsExactly("a", "c", "d");
        refused(base, "{'op_type':'delete_row','table_name':'Table1','row_id':'" + b + "'}", 404, "row_not_found");

        refused(base, "{'op_type':'delete_rows','table_name':'Table1','row_ids':['" + a + "','" + b + "']}", 404,
                "row_not_found");
        refused(base, "{'op_type':'delete_rows','table_name':'Table1','row_ids':[]}", 400, "invalid_operation");
        refused(base, "{'op_type':'delete_rows','table_name':'Table1','row_ids':[1]}", 400, "invalid_operation");
        Operation op = run(base, "{'op_type':'delete_rows','table_id':'0000','row_ids':['" + a + "','" + d + "','" + a + "']}");
        assertThat(op.json().get("row_ids")).hasSize(2);
        assertThat(order(base)).containsExactly("c");
        assertThat(table1(base).rowById(a)).isNull();
    }
}
