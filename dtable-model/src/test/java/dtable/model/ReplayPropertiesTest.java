package dtable.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The log is the truth (SPEC §5 S3): applying prepared operations to one base and replaying their
 * logged JSON (as text, as it comes back from MySQL) on another gives identical bases and versions
 * 1..n, whatever the sequence; refused operations change nothing; and every state survives a write
 * and read.
 */
class ReplayPropertiesTest {

    private static final JsonMapper MAPPER = JsonMapper.shared();

    @Property(tries = 150)
    void prepareThenApplyEqualsReplayOfTheLog(@ForAll long seed, @ForAll @IntRange(min = 1, max = 80) int length) {
        Random random = new Random(seed);
        RandomOperations operations = new RandomOperations(random);
        Base live = Base.withDefaultTable();
        Base follower = live.copy();
        List<String> log = new ArrayList<>();

        for (int step = 0; step < length; step++) {
            JsonNode raw = operations.next(live);
            OperationContext context = new OperationContext(Fixtures.NOW.plus(Duration.ofMillis(1234L * step)),
                    new SplittableRandom(random.nextLong()), "property");
            String before = live.toJson();
            Operation op;
            try {
                op = live.prepare(raw, context);
            } catch (OperationException refused) {
                assertThat(live.toJson()).as("refused %s (%s) changed the base", raw, refused.getMessage()).isEqualTo(before);
                Statistics.label("refused").collect(refused.errorType());
                continue;
            }
            assertThat(live.toJson()).as("prepare changed the base").isEqualTo(before);
            live.apply(op);
            Statistics.label("applied").collect(op.opType());
            log.add(op.toJsonString());
            assertThat(live.version()).isEqualTo(log.size());

            follower.replay(MAPPER.readTree(op.toJsonString()));
            assertThat(follower.version()).isEqualTo(log.size());
            assertThat(follower.toJson()).as("after %s", op.toJsonString()).isEqualTo(live.toJson());
        }

        Base fromScratch = Base.withDefaultTable();
        for (String entry : log) {
            fromScratch.replay(MAPPER.readTree(entry));
        }
        assertThat(fromScratch.toJson()).isEqualTo(live.toJson());
        assertThat(Base.fromJson(live.toJson()).toJson()).isEqualTo(live.toJson());
    }

    @Property(tries = 50)
    void anInsertReplayedTwiceIsRefusedAndChangesNothing(@ForAll long seed) {
        Random random = new Random(seed);
        RandomOperations operations = new RandomOperations(random);
        Base base = Base.withDefaultTable();
        for (int i = 0; i < 20; i++) {
            try {
                base.apply(base.prepare(operations.next(base), Fixtures.context(random.nextLong())));
            } catch (OperationException refused) {
                // try the next one
            }
        }
        if (base.tables().isEmpty()) {
            base.apply(base.prepare(Fixtures.json("{'op_type':'insert_table','table_name':'T'}"), Fixtures.context()));
        }
        Operation insert = base.prepare(Fixtures.json("{'op_type':'insert_row','table_id':'"
                + base.tables().getFirst().id() + "','row_data':{}}"), Fixtures.context(seed));
        base.apply(insert);
        long version = base.version();
        String json = base.toJson();

        assertThatThrownBy(() -> base.replay(insert.json())).isInstanceOf(ModelException.class);
        assertThatThrownBy(() -> base.apply(insert)).isInstanceOf(IllegalStateException.class);

        assertThat(base.version()).isEqualTo(version);
        assertThat(base.toJson()).isEqualTo(json);
    }
}
