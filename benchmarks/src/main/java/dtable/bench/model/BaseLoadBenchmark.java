package dtable.bench.model;

import dtable.model.Base;
import dtable.model.Operation;
import dtable.model.OperationContext;
import dtable.model.SyntheticBase;
import dtable.model.Table;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * How big bases behave in {@code dtable-model} (SPEC §6; target: a 1,000,000-row × 10-column base
 * loads in ≤ 10 s and fits well under a 2 GiB heap).
 *
 * <p><b>One-shot report</b> (load time and retained heap are one-shot figures, which JMH does not
 * measure well):
 * <pre>
 * java -Xmx2g -cp benchmarks/target/benchmarks.jar dtable.bench.model.BaseLoadBenchmark [rows]
 * </pre>
 * generates the base JSON into a temporary file, times {@link Base#read}, measures the heap the
 * loaded base retains (used heap after full GCs, before and after), then times {@code prepare} +
 * {@code apply} of {@code insert_row} (appended and below an anchor in the middle), {@code modify_row}
 * and {@code delete_row}, and a full {@link Base#write}.
 *
 * <p><b>JMH</b>: {@code java -Xmx2g -jar benchmarks/target/benchmarks.jar BaseLoadBenchmark} runs
 * {@link #insertBelowMiddleThenDelete} on a loaded base ({@code -p rows=…}); each invocation inserts a
 * row below the middle row and deletes it again, so the base keeps its size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class BaseLoadBenchmark {

    private static final JsonMapper MAPPER = JsonMapper.shared();

    @Param("1000000")
    public int rows;

    private Base base;
    private String middleRowId;
    private SplittableRandom random;

    @Setup(Level.Trial)
    public void load() throws IOException {
        Path file = generate(rows);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            base = Base.read(in);
        } finally {
            Files.deleteIfExists(file);
        }
        Table table = base.tables().getFirst();
        middleRowId = table.row(table.rowCount() / 2).id();
        random = new SplittableRandom(1);
    }

    @TearDown(Level.Trial)
    public void checkSize() {
        if (base.rowCount() != rows) {
            throw new IllegalStateException("base should have kept its size, has " + base.rowCount());
        }
    }

    @Benchmark
    public long insertBelowMiddleThenDelete() {
        OperationContext context = new OperationContext(Instant.now(), random, "bench");
        Operation insert = base.prepare(insertRow(middleRowId, "jmh"), context);
        base.apply(insert);
        ObjectNode delete = MAPPER.createObjectNode().put("op_type", "delete_row").put("table_id", "0000")
                .put("row_id", insert.insertedRowIds().getFirst());
        base.apply(base.prepare(delete, context));
        return base.version();
    }

    // ---- one-shot report ----

    public static void main(String[] args) throws IOException {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.printf(Locale.ROOT, "java %s, max heap %d MiB, %d cores%n", System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());

        long t0 = System.nanoTime();
        Path file = generate(rows);
        System.out.printf(Locale.ROOT, "generated %,d rows x %d columns: %,d MiB JSON in %.1f s%n", rows,
                SyntheticBase.COLUMN_COUNT, Files.size(file) >> 20, seconds(t0));

        long before = usedHeapAfterGc(memory);
        long t1 = System.nanoTime();
        Base base;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            base = Base.read(in);
        }
        double loadSeconds = seconds(t1);
        long after = usedHeapAfterGc(memory);
        Files.deleteIfExists(file);
        System.out.printf(Locale.ROOT, "Base.read: %.2f s (%,d rows); retained heap %,d MiB (%,d bytes/row)%n",
                loadSeconds, base.rowCount(), (after - before) >> 20, (after - before) / Math.max(1, rows));

        Table table = base.tables().getFirst();
        String middle = table.row(table.rowCount() / 2).id();
        SplittableRandom random = new SplittableRandom(2);
        time("insert_row appended (first call)", 1, i -> applyTimed(base, insertRow(null, "first"), random));
        time("insert_row appended", 1000, i -> applyTimed(base, insertRow(null, "a" + i), random));
        time("insert_row below the middle row", 1000, i -> applyTimed(base, insertRow(middle, "m" + i), random));
        time("modify_row", 1000, i -> applyTimed(base, MAPPER.createObjectNode().put("op_type", "modify_row")
                .put("table_id", "0000").put("row_id", middle)
                .set("updated", MAPPER.createObjectNode().put("0000", "changed " + i)), random));
        time("delete_row (a middle row)", 1000, i -> applyTimed(base, MAPPER.createObjectNode().put("op_type", "delete_row")
                .put("table_id", "0000").put("row_id", table.row(table.rowCount() / 2 + 1).id()), random));

        long t2 = System.nanoTime();
        try (OutputStream out = new BufferedOutputStream(OutputStream.nullOutputStream(), 1 << 16)) {
            base.write(out);
        }
        System.out.printf(Locale.ROOT, "Base.write (to a null stream): %.2f s, version %d, %,d rows%n", seconds(t2),
                base.version(), base.rowCount());
        Reference.reachabilityFence(base);
    }

    private interface Step {
        void run(int i);
    }

    private static void time(String what, int times, Step step) {
        long start = System.nanoTime();
        for (int i = 0; i < times; i++) {
            step.run(i);
        }
        double micros = (System.nanoTime() - start) / 1e3 / times;
        System.out.printf(Locale.ROOT, "prepare+apply %-34s %,10.1f µs/op (mean of %d)%n", what + ":", micros, times);
    }

    private static void applyTimed(Base base, ObjectNode raw, SplittableRandom random) {
        base.apply(base.prepare(raw, new OperationContext(Instant.now(), random, "bench")));
    }

    private static ObjectNode insertRow(String anchor, String name) {
        ObjectNode op = MAPPER.createObjectNode().put("op_type", "insert_row").put("table_id", "0000");
        if (anchor != null) {
            op.put("row_id", anchor).put("row_insert_position", "insert_below");
        }
        op.set("row_data", MAPPER.createObjectNode().put("0000", name).put("0002", 12.5).put("0005", "opt1")
                .put("0007", "bench@example.com"));
        return op;
    }

    private static Path generate(int rows) throws IOException {
        Path file = Files.createTempFile("dtable-bench-base", ".json");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            SyntheticBase.write(out, rows, 1);
        }
        return file;
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
