package dtable.server.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import dtable.server.StorageFixture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Benchmark of the write path without HTTP: N virtual threads append rows to one base through the
 * lane and the group-committed operation log, each waiting for durability. Isolates storage cost
 * from the web layer. Runs only with {@code -Dbench=true}.
 */
@Tag("benchmark")
class WritePathBenchmark {

    @RegisterExtension
    static final StorageFixture.OnMariaDb STORAGE = StorageFixture.onMariaDb();

    @Test
    void durableAppendsThroughTheLane() throws Exception {
        assumeTrue(Boolean.getBoolean("bench"), "benchmark: run with -Dbench=true");
        int writers = Integer.getInteger("bench.connections", 64);
        int perWriter = Integer.getInteger("bench.ops", 300);
        JsonMapper json = JsonMapper.builder().build();
        StorageFixture storage = STORAGE.get();
        try (StorageFixture.Node node = storage.node("bench")) {
            BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
            node.believeOwner(uuid.bucket(), 1);
            node.registry.create(uuid, Base.withDefaultTable());
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            long started = System.nanoTime();
            List<Future<long[]>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                results.add(pool.submit(() -> {
                    long[] micros = new long[perWriter];
                    for (int i = 0; i < perWriter; i++) {
                        long t = System.nanoTime();
                        LoadedBase base = node.registry.acquire(uuid);
                        var committed = base.execute(model -> {
                            ObjectNode op = json.createObjectNode().put("op_type", "insert_row").put("table_id", "0000");
                            op.putObject("row_data").put("0000", "w" + writer + "-" + System.nanoTime());
                            return op;
                        }, "bench", null, null, 0, null);
                        LoadedBase.awaitDurable(committed.durable());
                        micros[i] = (System.nanoTime() - t) / 1000;
                    }
                    return micros;
                }));
            }
            long[] all = new long[writers * perWriter];
            int k = 0;
            for (Future<long[]> f : results) {
                for (long m : f.get(10, TimeUnit.MINUTES)) {
                    all[k++] = m;
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            pool.shutdown();
            Arrays.sort(all);
            System.out.printf("BENCH write-path writers=%d ops=%d ops_per_s=%.0f p50_us=%d p99_us=%d%n", writers,
                    all.length, all.length / seconds, all[all.length / 2], all[(int) (all.length * 0.99)]);
            assertThat(storage.log(uuid)).hasSize(all.length);
        }
    }
}
