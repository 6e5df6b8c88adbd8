package dtable.model;

import static dtable.model.Fixtures.allTypes;
import static dtable.model.Fixtures.insert;
import static dtable.model.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Creating, reading, writing and copying bases. */
class BaseDocumentTest {

    private static final JsonMapper MAPPER = JsonMapper.shared();

    @Test
    void emptyBaseHasVersionZeroAndNoTables() {
        JsonNode json = MAPPER.readTree(Base.empty().toJson());
        assertThat(json.get("version").asLong()).isZero();
        assertThat(json.get("format_version").asInt()).isEqualTo(1);
        assertThat(json.get("tables")).isEmpty();
        assertThat(Base.empty().rowCount()).isZero();
    }

    @Test
    void defaultTableIsTable1WithATextNameColumn() {
        Base base = Base.withDefaultTable();
        assertThat(base.toJson()).isEqualTo("{\"version\":0,\"format_version\":1,\"tables\":[{\"_id\":\"0000\","
                + "\"name\":\"Table1\",\"columns\":[{\"key\":\"0000\",\"name\":\"Name\",\"type\":\"text\",\"data\":null}],"
                + "\"rows\":[]}]}");
    }

    @Test
    void writeThenReadGivesTheSameBase() {
        Base base = allTypes();
        insert(base, "{'Name':'a','Notes':'long','Amount':1.5,'Done':true,'Due':'2024-01-02','Status':'Open',"
                + "'Tags':['red','t2'],'Email':'a@b.c','Site':'https://x.org/p?q=1','Time':3600,'Stars':3}");
        insert(base, "{'Name':'b','Amount':-7}");
        insert(base, "{}");

        Base reread = Base.fromJson(base.toJson());

        assertThat(reread.toJson()).isEqualTo(base.toJson());
        assertThat(reread.version()).isEqualTo(base.version());
        assertThat(reread.rowCount()).isEqualTo(3);
        String rowId = Fixtures.table1(base).row(0).id();
        assertThat(Fixtures.cell(reread, rowId, "Amount")).isEqualTo(1.5);
        assertThat(Fixtures.cell(reread, rowId, "Time")).isEqualTo(3600L);
        assertThat(Fixtures.cell(reread, rowId, "Status")).isEqualTo("s1");
        assertThat((String[]) Fixtures.cell(reread, rowId, "Tags")).containsExactly("t1", "t2");
    }

    @Test
    void streamsAreNeitherClosedOnReadNorOnWrite() {
        AtomicBoolean inClosed = new AtomicBoolean();
        AtomicBoolean outClosed = new AtomicBoolean();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Base.withDefaultTable().write(new FilterOutputStream(bytes) {
            @Override
            public void close() {
                outClosed.set(true);
            }
        });
        Base.read(new FilterInputStream(new ByteArrayInputStream(bytes.toByteArray())) {
            @Override
            public void close() {
                inClosed.set(true);
            }
        });
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("Table1");
        assertThat(inClosed).isFalse();
        assertThat(outClosed).isFalse();
    }

    @Test
    void readsSeaTableExtrasLeniently() {
        Base base = Base.fromJson("""
                {"version": 7, "format_version": 2, "settings": {"x": 1}, "tables": [{"_id": "0000", "name": "T",
                  "views": [{"_id": "0000", "name": "Default"}],
                  "columns": [{"key": "0000", "name": "Name", "type": "text", "data": null, "width": 200}],
                  "rows": [{"_id": "Qtf7xPs9S7y3s2rp_KgC7w", "_ctime": "2021-03-10T08:54:40.460+00:00",
                            "_mtime": "2021-03-10T08:54:41.000+01:00", "_creator": "me", "0000": "x"},
                           {"_id": "r2", "0000": null}]}]}
                """);
        assertThat(base.version()).isEqualTo(7);
        assertThat(base.formatVersion()).isEqualTo(2);
        Row row = base.tableByName("T").rowById("Qtf7xPs9S7y3s2rp_KgC7w");
        assertThat(Timestamps.format(row.ctime())).isEqualTo("2021-03-10T08:54:40.460Z");
        assertThat(Timestamps.format(row.mtime())).isEqualTo("2021-03-10T07:54:41.000Z");
        assertThat(base.tableByName("T").rowById("r2").ctime()).isZero();
        assertThat(base.toJson()).doesNotContain("_creator", "width")
                .contains("\"views\":[{\"_id\":\"0000\",\"name\":\"Default\"}]");
    }

    @Test
    void rowsBeforeColumnsAreAcceptedToo() {
        Base base = Base.fromJson("""
                {"version": 1, "tables": [{"rows": [{"_id": "r1", "0000": 5}], "_id": "0000", "name": "T",
                  "columns": [{"key": "0000", "name": "N", "type": "number"}]}]}
                """);
        assertThat(base.tableById("0000").rowById("r1").cell(base.tableById("0000").columnByKey("0000"))).isEqualTo(5L);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "[]",
        "{\"version\": 1,",
        "{\"version\": \"1\"}",
        "{\"tables\": {}}",
        "{\"tables\": [{\"name\": \"T\"}]}",
        "{\"tables\": [{\"_id\": \"0000\", \"name\": \"T\", \"columns\": [{\"key\": \"0000\", \"name\": \"L\", \"type\": \"link\"}]}]}",
        "{\"tables\": [{\"_id\": \"0000\", \"name\": \"T\", \"columns\": [{\"key\": \"0000\", \"name\": \"N\", \"type\": \"number\"}],"
                + " \"rows\": [{\"_id\": \"r1\", \"0000\": \"five\"}]}]}",
        "{\"tables\": [{\"_id\": \"0000\", \"name\": \"T\", \"columns\": [{\"key\": \"0000\", \"name\": \"N\", \"type\": \"number\"}],"
                + " \"rows\": [{\"_id\": \"r1\", \"0001\": 5}]}]}",
        "{\"tables\": [{\"_id\": \"0000\", \"name\": \"T\", \"columns\": [], \"rows\": [{\"_id\": \"r1\"}, {\"_id\": \"r1\"}]}]}",
        "{\"tables\": [{\"_id\": \"0000\", \"name\": \"T\", \"columns\": [], \"rows\": [{\"0000\": 1}]}]}",
        "{\"tables\": [{\"_id\": \"0000\", \"name\": \"T\"}, {\"_id\": \"0000\", \"name\": \"U\"}]}",
        "{\"tables\": [{\"_id\": \"0000\", \"name\": \"T\", \"columns\": [{\"key\": \"0000\", \"name\": \"N\", \"type\": \"text\"},"
                + " {\"key\": \"0001\", \"name\": \"N\", \"type\": \"text\"}]}]}",
        "{\"tables\": [{\"_id\": \"0000\", \"name\": \"T\", \"columns\": [{\"key\": \"0000\", \"name\": \"S\", \"type\": \"single-select\","
                + " \"data\": {\"options\": [{\"id\": \"a\", \"name\": \"A\"}]}}], \"rows\": [{\"_id\": \"r1\", \"0000\": \"B\"}]}]}",
        "{\"tables\": [{\"_id\": \"0000\", \"name\": \"T\", \"columns\": [], \"rows\": [{\"_id\": \"r1\", \"_ctime\": \"yesterday\"}]}]}",
        "{\"version\": 1} trailing"
    })
    void badDocumentsAreRefusedWithModelException(String json) {
        assertThatThrownBy(() -> Base.fromJson(json)).isInstanceOf(ModelException.class);
    }

    @Test
    void copyIsIndependentOfTheOriginal() {
        Base base = allTypes();
        String rowId = insert(base, "{'Name':'a'}");
        Base copy = base.copy();
        assertThat(copy.toJson()).isEqualTo(base.toJson());

        run(copy, "{'op_type':'modify_row','table_name':'Table1','row_id':'" + rowId + "','updated':{'Name':'changed'}}");
        run(copy, "{'op_type':'insert_column','table_name':'Table1','column_name':'Extra','column_type':'text'}");

        assertThat(Fixtures.cell(base, rowId, "Name")).isEqualTo("a");
        assertThat(Fixtures.table1(base).columnByName("Extra")).isNull();
        assertThat(copy.version()).isEqualTo(base.version() + 2);
    }
}
