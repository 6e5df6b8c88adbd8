package dtable.server.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import dtable.model.SyntheticBase;
import dtable.model.stored.SnapshotCodec;
import dtable.server.storage.ManualOperationLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The snapshot path without MySQL (a fake operation log): the lane is held only to freeze the base,
 * the snapshot equals the base at its version, and writes are not blocked while a snapshot waits for
 * the log or serialises (paused by latches, not timed).
 */
class LoadedBaseSnapshotTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int ROWS = 30_000;

    private final ManualOperationLog log = new ManualOperationLog().autoCommit(true);
    private final List<String> holds = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private String firstRowId;

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void theSnapshotIsTheBaseAtItsVersion() throws Exception {
        LoadedBase base = bigBase(new LaneMonitor(null));
        for (int i = 0; i < 20; i++) {
            write(base, modifyFirstRow("value " + i));
            write(base, insertRow("row " + i));
        }
        String expected = base.read(Base::toJson);
        long version = base.durableVersion();

        LoadedBase.Snapshot snapshot = base.snapshot();

        assertThat(snapshot.version()).isEqualTo(version).isEqualTo(40);
        assertThat(snapshot.rowCount()).isEqualTo(ROWS + 20);
        assertThat(snapshot.opsCovered()).isEqualTo(40);
        assertThat(SnapshotCodec.decode(snapshot.gzipJson(), "snapshot").toJson()).isEqualTo(expected);
        assertThat(base.dirty()).isFalse();
        assertThat(base.opsSinceSnapshot()).isZero();
    }

    @Test
    void writesGoOnWhileABigSnapshotSerialises() throws Exception {
        LoadedBase base = bigBase(LaneMonitor.LOG_ONLY);
        write(base, modifyFirstRow("before the snapshot"));
        String atSnapshot = base.read(Base::toJson);
        CountDownLatch serialising = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);

        Future<LoadedBase.Snapshot> snapshot = threads.submit(() -> base.snapshot(out -> pauseAfter(out, 50_000,
                serialising, release)));
        assertThat(serialising.await(60, TimeUnit.SECONDS)).as("the snapshot started serialising").isTrue();

        // the snapshot is stuck mid-serialisation; with the lane held these writes could never finish
        Future<?> writes = threads.submit(() -> {
            for (int i = 0; i < 50; i++) {
                write(base, modifyFirstRow("during the snapshot " + i));
                write(base, insertRow("during " + i));
            }
            return null;
        });
        writes.get(60, TimeUnit.SECONDS);
        assertThat(snapshot).isNotDone();
        assertThat(base.durableVersion()).isEqualTo(101);

        release.countDown();
        LoadedBase.Snapshot written = snapshot.get(60, TimeUnit.SECONDS);
        assertThat(written.version()).isEqualTo(1);
        assertThat(SnapshotCodec.decode(written.gzipJson(), "snapshot").toJson()).as("rows changed meanwhile are as they were").isEqualTo(atSnapshot);
        assertThat(base.opsSinceSnapshot()).isEqualTo(100);
        assertThat(base.dirty()).isTrue();
    }

    @Test
    void theSnapshotWaitsForTheCommitOfItsVersionOutsideTheLane() throws Exception {
        LoadedBase base = bigBase(LaneMonitor.LOG_ONLY);
        log.autoCommit(false);
        var first = base.execute(model -> modifyFirstRow("not yet durable"), "t", null, null, 0, null);

        Future<LoadedBase.Snapshot> snapshot = threads.submit(() -> base.snapshot());
        await().atMost(Duration.ofSeconds(60)).until(() -> !base.dirty()); // frozen at version 1
        var second = base.execute(model -> insertRow("while the snapshot waits"), "t", null, null, 0, null);
        assertThat(second.version()).isEqualTo(2);
        assertThat(snapshot).isNotDone();

        log.commitAll();
        LoadedBase.awaitDurable(first.durable());
        LoadedBase.awaitDurable(second.durable());
        LoadedBase.Snapshot written = snapshot.get(60, TimeUnit.SECONDS);
        assertThat(written.version()).isEqualTo(1);
        assertThat(written.rowCount()).isEqualTo(ROWS);
    }

    @Test
    void aSnapshotWhoseVersionFailsToCommitIsNotTaken() throws Exception {
        LoadedBase base = bigBase(LaneMonitor.LOG_ONLY);
        log.autoCommit(false);
        base.execute(model -> modifyFirstRow("doomed"), "t", null, null, 0, null);
        Future<LoadedBase.Snapshot> snapshot = threads.submit(() -> base.snapshot());
        await().atMost(Duration.ofSeconds(60)).until(() -> !base.dirty());

        log.refuseNext();

        assertThat(snapshot.get(60, TimeUnit.SECONDS)).isNull();
        assertThat(base.state()).isEqualTo(BaseState.FAILED);
        assertThat(base.dirty()).isTrue();
    }

    @Test
    void theLaneIsHeldOnlyToFreezeAndEveryHoldIsMeasured() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        LaneMonitor monitor = new LaneMonitor(meters) {
            @Override
            public void held(BaseUuid uuid, String what, long nanos) {
                super.held(uuid, what, nanos);
                holds.add(what);
            }
        };
        LoadedBase base = bigBase(monitor);
        write(base, insertRow("one"));
        CountDownLatch serialising = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<LoadedBase.Snapshot> snapshot = threads.submit(() -> base.snapshot(out -> pauseAfter(out, 50_000,
                serialising, release)));
        assertThat(serialising.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(holds).as("the capture released the lane before serialising").contains("snapshot capture");
        release.countDown();
        snapshot.get(60, TimeUnit.SECONDS);
        assertThat(holds).contains("insert_row");
        assertThat(meters.get("dtable.lane.hold").timer().count()).isEqualTo(holds.size());
    }

    private LoadedBase bigBase(LaneMonitor monitor) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        SyntheticBase.write(json, ROWS, 3);
        Base model = Base.read(new ByteArrayInputStream(json.toByteArray()));
        firstRowId = model.tables().getFirst().row(0).id();
        LoadedBase base = new LoadedBase(BaseUuid.parse(UUID.randomUUID().toString()), "node-1", 1, model, log, Clock.systemUTC(), new SplittableRandom(1), failed -> { }, monitor);
        base.transitionTo(BaseState.ACTIVE);
        return base;
    }

    private static void write(LoadedBase base, JsonNode op) {
        LoadedBase.awaitDurable(base.execute(model -> op, "t", null, null, 0, null).durable());
    }

    private JsonNode modifyFirstRow(String text) {
        ObjectNode op = JSON.createObjectNode().put("op_type", "modify_row").put("table_id", "0000")
                .put("row_id", firstRowId);
        op.putObject("updated").put(SyntheticBase.key(0), text);
        return op;
    }

    private static JsonNode insertRow(String text) {
        ObjectNode op = JSON.createObjectNode().put("op_type", "insert_row").put("table_id", "0000");
        op.putObject("row_data").put(SyntheticBase.key(0), text);
        return op;
    }

    /** A stream that blocks once {@code limit} bytes went through, until {@code release}. */
    private static OutputStream pauseAfter(OutputStream out, long limit, CountDownLatch reached, CountDownLatch release) {
        return new FilterOutputStream(out) {
            private long written;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                written += len;
                if (written >= limit && reached.getCount() > 0) {
                    reached.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }
        };
    }
}
