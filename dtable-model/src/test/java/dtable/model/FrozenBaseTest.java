package dtable.model;

import static dtable.model.Fixtures.allTypes;
import static dtable.model.Fixtures.insert;
import static dtable.model.Fixtures.key;
import static dtable.model.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A frozen view keeps the base as it was at the freeze, whatever the owner does afterwards. */
class FrozenBaseTest {

    @Test
    void laterOperationsDoNotChangeAFrozenView() {
        Base base = allTypes();
        String first = insert(base, "{'" + key(base, "Name") + "':'one','" + key(base, "Amount") + "':1}");
        String second = insert(base, "{'" + key(base, "Name") + "':'two'}");
        run(base, "{'op_type':'insert_view','table_id':'0000','view_data':{'_id':'V001','name':'Open',"
                + "'type':'table','filters':[],'sorts':[],'groupbys':[],'hidden_columns':[],'row_height':'default'}}");
        String before = base.toJson();
        long version = base.version();

        FrozenBase frozen = base.freeze();
        modifyName(base, first, "changed");
        run(base, "{'op_type':'delete_row','table_name':'Table1','row_id':'" + second + "'}");
        insert(base, "{'" + key(base, "Name") + "':'three'}");
        run(base, "{'op_type':'delete_column','table_name':'Table1','column_name':'Amount'}");
        run(base, "{'op_type':'modify_column_type','table_name':'Table1','column_name':'Name','new_column_type':'number'}");
        run(base, "{'op_type':'rename_table','table_name':'Table1','new_table_name':'Renamed'}");
        run(base, "{'op_type':'modify_sorts','table_id':'0000','view_id':'V001','sorts':[{'column_key':'0000','sort_type':'up'}]}");

        assertThat(base.toJson()).isNotEqualTo(before);
        assertThat(frozen.version()).isEqualTo(version);
        assertThat(frozen.rowCount()).isEqualTo(2);
        assertThat(frozen.toJson()).isEqualTo(before);
        assertThat(frozen.rowsCopied()).as("the changed row was copied once, the deleted one never").isEqualTo(1);
        frozen.close();
        assertThat(base.liveFrozenViews()).isZero();
    }

    @Test
    void aClosedViewCostsTheOwnerNoCopies() {
        Base base = allTypes();
        String row = insert(base, "{'" + key(base, "Name") + "':'one'}");
        FrozenBase frozen = base.freeze();
        frozen.close();
        modifyName(base, row, "changed");
        assertThat(frozen.rowsCopied()).isZero();
    }

    @Test
    void everyViewKeepsItsOwnPointInTime() {
        Base base = allTypes();
        String row = insert(base, "{'" + key(base, "Name") + "':'v1'}");
        String atOne = base.toJson();
        FrozenBase one = base.freeze();
        modifyName(base, row, "v2");
        String atTwo = base.toJson();
        FrozenBase two = base.freeze();
        modifyName(base, row, "v3");
        modifyName(base, row, "v4");
        assertThat(one.toJson()).isEqualTo(atOne);
        assertThat(two.toJson()).isEqualTo(atTwo);
        one.close();
        two.close();
    }

    @Property(tries = 60)
    void aViewEqualsTheBaseAtItsVersion(@ForAll long seed, @ForAll @IntRange(min = 1, max = 60) int length) {
        Random random = new Random(seed);
        RandomOperations operations = new RandomOperations(random);
        Base base = Base.withDefaultTable();
        List<FrozenBase> views = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int step = 0; step < length; step++) {
            if (random.nextInt(4) == 0) {
                expected.add(base.toJson());
                views.add(base.freeze());
            }
            if (!views.isEmpty() && random.nextInt(8) == 0) {
                int i = random.nextInt(views.size());
                assertThat(views.get(i).toJson()).isEqualTo(expected.get(i));
                views.remove(i).close();
                expected.remove(i);
            }
            JsonNode raw = operations.next(base);
            try {
                base.apply(base.prepare(raw, new OperationContext(Fixtures.NOW.plus(Duration.ofMillis(999L * step)),
                        new SplittableRandom(random.nextLong()), "property")));
            } catch (OperationException refused) {
                // refusals change nothing
            }
        }
        for (int i = 0; i < views.size(); i++) {
            assertThat(views.get(i).toJson()).as("view at version %s", views.get(i).version()).isEqualTo(expected.get(i));
            views.get(i).close();
        }
        assertThat(base.liveFrozenViews()).isZero();
    }

    /** The writer thread and the owner run at the same time; the writer is paused mid-table by a latch. */
    @Test
    void aViewWrittenOnAnotherThreadWhileTheOwnerChangesEveryRowIsThePointInTime() throws Exception {
        Base base = Base.read(new java.io.ByteArrayInputStream(synthetic(20_000)));
        String before = base.toJson();
        Table table = base.tables().getFirst();
        String textKey = SyntheticBase.key(0);
        FrozenBase frozen = base.freeze();
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch changed = new CountDownLatch(1);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<String> json = writer.submit(() -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                frozen.write(new java.io.FilterOutputStream(out) {
                    private long written;

                    @Override
                    public void write(byte[] b, int off, int len) throws java.io.IOException {
                        out.write(b, off, len);
                        written += len;
                        if (written > 200_000 && writing.getCount() > 0) {
                            writing.countDown();
                            await(changed);
                        }
                    }
                });
                return out.toString(StandardCharsets.UTF_8);
            });
            assertThat(writing.await(60, TimeUnit.SECONDS)).isTrue();
            // the owner changes rows on both sides of the writer's position, some while it runs
            for (int i = 0; i < table.rowCount(); i += 7) {
                modifyCell(base, table, table.row(i).id(), textKey, "after " + i);
                if (i == 7_000) {
                    changed.countDown();
                }
            }
            changed.countDown();
            assertThat(json.get(60, TimeUnit.SECONDS)).isEqualTo(before);
        } finally {
            writer.shutdownNow();
            frozen.close();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] synthetic(int rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SyntheticBase.write(out, rows, 7);
        return out.toByteArray();
    }

    private static void modifyName(Base base, String row, String name) {
        run(base, "{'op_type':'modify_row','table_name':'Table1','row_id':'" + row + "','updated':{'"
                + key(base, "Name") + "':'" + name + "'}}");
    }

    private static void modifyCell(Base base, Table table, String row, String key, String value) {
        base.apply(base.prepare(Fixtures.json("{'op_type':'modify_row','table_id':'" + table.id() + "','row_id':'" + row
                + "','updated':{'" + key + "':'" + value + "'}}"), Fixtures.context()));
    }
}
