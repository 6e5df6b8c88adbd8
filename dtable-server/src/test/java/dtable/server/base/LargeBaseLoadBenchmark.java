package dtable.server.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dtable.core.bucket.BaseUuid;
import dtable.model.SyntheticBase;
import dtable.server.StorageFixture;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Benchmark, not a timed test: loads a 1,000,000-row × 10-column base through the real load path
 * (fenced claim, snapshot blob from MariaDB, gunzip, parse, log replay) and reports load time, retained
 * heap and the latency of a durable write on it; then takes a snapshot while writes go on, and reports
 * how long the snapshot held the base's lane (the freeze), how long it took in all (freeze, wait for the
 * log, serialise, gzip, store) and the slowest durable write meanwhile. Runs only with {@code -Dbench=true}:
 * {@code ./mvnw -pl dtable-server test -Dtest=LargeBaseLoadBenchmark -Dbench=true -Dbench.rows=1000000}.
 */
@Tag("benchmark")
class LargeBaseLoadBenchmark {

    @RegisterExtension
    static final StorageFixture.OnMariaDb STORAGE = StorageFixture.onMariaDb();

    @Test
    void loadOneMillionRows() throws Exception {
        assumeTrue(Boolean.getBoolean("bench"), "benchmark: run with -Dbench=true");
        int rows = Integer.getInteger("bench.rows", 1_000_000);
        StorageFixture storage = STORAGE.get();
        try (StorageFixture.Node node = storage.node("bench-node")) {
            BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                SyntheticBase.write(out, rows, 42);
            }
            assertThat(storage.store.create(uuid.value(), "someone-else", 1, gz.toByteArray(), 0, rows)).isTrue();
            node.believeOwner(uuid.bucket(), 5);

            AtomicLong captureNanos = new AtomicLong();
            node.registry.monitorLanes(new LaneMonitor(null) {
                @Override
                public void held(BaseUuid base, String what, long nanos) {
                    super.held(base, what, nanos);
                    if (what.equals("snapshot capture")) {
                        captureNanos.accumulateAndGet(nanos, Math::max);
                    }
                }
            });
            long heapBefore = usedHeapAfterGc();
            double loadAverage = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            long cpuBefore = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long gcBefore = gcMillis();
            long started = System.nanoTime();
            LoadedBase base = node.registry.acquire(uuid);
            long loadMillis = (System.nanoTime() - started) / 1_000_000;
            long loadCpuMillis = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuBefore) / 1_000_000;
            long loadGcMillis = gcMillis() - gcBefore;
            long heapAfter = usedHeapAfterGc();
            assertThat(base.rowCount()).isEqualTo(rows);

            long writeStarted = System.nanoTime();
            LoadedBase.Committed<Void> committed = StorageFixture.insertRow(base, "written after load");
            LoadedBase.awaitDurable(committed.durable());
            long writeMicros = (System.nanoTime() - writeStarted) / 1000;
            // the first write also pays for the write path's first use; the next ones are the steady cost of
            // a durable insert to the big base (its group commit re-checks the fence row of dtables)
            long[] nextMicros = new long[20];
            for (int i = 0; i < nextMicros.length; i++) {
                long t = System.nanoTime();
                LoadedBase.awaitDurable(StorageFixture.insertRow(base, "written after load " + i).durable());
                nextMicros[i] = (System.nanoTime() - t) / 1000;
            }
            java.util.Arrays.sort(nextMicros);
            // the loading thread's CPU and the GC time separate the load's own cost from a busy machine's run queue
            System.out.printf("BENCH large-base rows=%d snapshot_gzip_mib=%.1f load_ms=%d load_thread_cpu_ms=%d"
                    + " load_gc_ms=%d load_average=%.1f retained_heap_mib=%.0f durable_insert_us=%d"
                    + " next_%d_durable_inserts_median_us=%d max_us=%d%n", rows,
                    gz.size() / 1048576.0, loadMillis, loadCpuMillis, loadGcMillis, loadAverage,
                    (heapAfter - heapBefore) / 1048576.0, writeMicros, nextMicros.length,
                    nextMicros[nextMicros.length / 2], nextMicros[nextMicros.length - 1]);
            assertThat(committed.version()).isEqualTo(1);

            CompletableFuture<Boolean> saved = CompletableFuture.supplyAsync(() -> node.registry.saveSnapshot(base));
            long snapshotStarted = System.nanoTime();
            long slowestWrite = 0;
            int writes = 0;
            // where in the snapshot the slow writes fall ("start+duration" in ms): serialising early, storing the blob last
            StringBuilder slowWrites = new StringBuilder();
            while (!saved.isDone()) {
                long t = System.nanoTime();
                LoadedBase.awaitDurable(StorageFixture.insertRow(base, "written during the snapshot").durable());
                long took = System.nanoTime() - t;
                slowestWrite = Math.max(slowestWrite, took);
                if (took > 100_000_000L) {
                    slowWrites.append(' ').append((t - snapshotStarted) / 1_000_000).append('+').append(took / 1_000_000);
                }
                writes++;
            }
            assertThat(saved.join()).isTrue();
            System.out.printf("BENCH large-base-snapshot rows=%d snapshot_ms=%d lane_hold_ms=%.1f"
                    + " durable_inserts_meanwhile=%d slowest_insert_ms=%.1f inserts_over_100ms_at=[%s]%n", rows,
                    (System.nanoTime() - snapshotStarted) / 1_000_000, captureNanos.get() / 1e6, writes,
                    slowestWrite / 1e6, slowWrites.toString().trim());
        }
    }

    /** Time spent in collections so far (all collectors, pauses and concurrent work as the JVM counts it). */
    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
