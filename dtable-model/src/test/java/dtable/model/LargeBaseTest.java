package dtable.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** A 200,000-row × 10-column base (about 58 MB of JSON) loads and takes an anchored insert. */
class LargeBaseTest {

    private static final int ROWS = 200_000;

    @Test
    void loadsAGenerated200kRowBase() {
        ByteArrayOutputStream generated = new ByteArrayOutputStream(64 << 20);
        SyntheticBase.write(generated, ROWS, 7);
        byte[] json = generated.toByteArray();

        Base base = Base.read(new ByteArrayInputStream(json));

        assertThat(base.rowCount()).isEqualTo(ROWS);
        Table table = base.tables().getFirst();
        assertThat(table.columns()).hasSize(SyntheticBase.COLUMN_COUNT);
        Row last = table.row(ROWS - 1);
        assertThat(last.cell(table.columnByName("Name"))).isEqualTo("Row " + (ROWS - 1));
        assertThat(table.rowById(last.id())).isSameAs(last);

        Operation insert = base.prepare(Fixtures.json("{'op_type':'insert_row','table_name':'Table1','row_id':'"
                + table.row(ROWS / 2).id() + "','row_data':{'Name':'middle','Stars':5}}"), Fixtures.context());
        base.apply(insert);
        assertThat(table.row(ROWS / 2 + 1).id()).isEqualTo(insert.insertedRowIds().getFirst());
        assertThat(base.rowCount()).isEqualTo(ROWS + 1);

    }

    @Test
    void generatedJsonIsWrittenBackByteForByte() {
        ByteArrayOutputStream generated = new ByteArrayOutputStream();
        SyntheticBase.write(generated, 2_000, 11);
        String json = generated.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(Base.fromJson(json).toJson()).isEqualTo(json);
    }
}
