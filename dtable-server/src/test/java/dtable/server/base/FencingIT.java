package dtable.server.base;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.error.BaseUnavailableException;
import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import dtable.server.StorageFixture;
import dtable.testsupport.MariaDbExtension;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * S1 under attack: two nodes that both believe they own a bucket (one has a stale map) write the
 * same base concurrently. Exactly one commits each version; the fenced node acknowledges nothing
 * after the newer claim; versions are contiguous and every acknowledged operation is in the log.
 */
@Tag("integration")
class FencingIT {

    @RegisterExtension
    static final MariaDbExtension MARIADB = MariaDbExtension.create();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private StorageFixture storage;
    private StorageFixture.Node nodeA;
    private StorageFixture.Node nodeB;

    @BeforeEach
    void setUp() {
        storage = new StorageFixture(MARIADB.jdbcUrl(), MARIADB.user(), MARIADB.password());
        nodeA = storage.node("node-a");
        nodeB = storage.node("node-b");
    }

    @AfterEach
    void tearDown() {
        nodeA.close();
        nodeB.close();
        storage.close();
    }

    private record Ack(String node, long version, String payload) {
    }

    @Test
    void twoBelievedOwnersNeverBothCommitAndNoAcknowledgedOperationIsLost() throws Exception {
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        nodeA.believeOwner(uuid.bucket(), 10);
        nodeA.registry.create(uuid, Base.withDefaultTable());

        Map<Long, Ack> acks = new ConcurrentHashMap<>();
        AtomicInteger fencedA = new AtomicInteger();
        AtomicInteger ackedAAfterB = new AtomicInteger();
        CountDownLatch aWarm = new CountDownLatch(30);
        var bClaimed = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            pool.submit(() -> writeLoop(nodeA, uuid, "A" + thread, 150, acks, fencedA, aWarm, bClaimed, ackedAAfterB));
        }
        assertThat(aWarm.await(30, TimeUnit.SECONDS)).isTrue();
        // B now learns it owns the bucket under a newer token; A keeps its stale belief
        nodeB.believeOwner(uuid.bucket(), 20);
        for (int t = 0; t < 8; t++) {
            int thread = t;
            pool.submit(() -> writeLoop(nodeB, uuid, "B" + thread, 150, acks, new AtomicInteger(), new CountDownLatch(0),
                    bClaimed, new AtomicInteger()));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).isTrue();

        List<StorageFixture.LogRow> log = storage.log(uuid);
        // versions 1..n, each exactly once
        for (int i = 0; i < log.size(); i++) {
            assertThat(log.get(i).version()).isEqualTo(i + 1);
        }
        // every acknowledged operation is in the log at its version, with its payload
        for (Ack ack : acks.values()) {
            StorageFixture.LogRow row = log.get((int) ack.version() - 1);
            assertThat(row.node()).isEqualTo(ack.node());
            assertThat(row.operation()).contains(ack.payload());
        }
        // ownership epochs never go back along the log, and A committed nothing under B's epoch
        long maxEpochA = log.stream().filter(r -> r.node().equals("node-a")).mapToLong(StorageFixture.LogRow::epoch)
                .max().orElse(0);
        long minEpochB = log.stream().filter(r -> r.node().equals("node-b")).mapToLong(StorageFixture.LogRow::epoch)
                .min().orElseThrow();
        assertThat(maxEpochA).isLessThan(minEpochB);
        for (int i = 1; i < log.size(); i++) {
            assertThat(log.get(i).epoch()).isGreaterThanOrEqualTo(log.get(i - 1).epoch());
        }
        assertThat(acks.values()).anyMatch(a -> a.node().equals("node-b"));
        assertThat(fencedA.get()).as("node A was refused after B's claim").isPositive();
        assertThat(ackedAAfterB.get()).as("A acknowledged nothing committed after B's first commit").isZero();
        assertThat(acks).hasSizeLessThanOrEqualTo(log.size());
    }

    /**
     * etcd lost its data: the old owner A holds a token of generation 1 at a huge revision, the new owner B one of
     * generation 2 at a tiny revision (a new etcd starts again from 1). B's claim wins, A is fenced at its next
     * commit, and no token of generation 1, however high its revision, claims the base back.
     */
    @Test
    void aTokenOfANewGenerationBeatsEveryTokenOfTheOldOne() throws Exception {
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        nodeA.believeOwner(uuid.bucket(), 1, 1_000_000_000L);
        nodeA.registry.create(uuid, Base.withDefaultTable());
        LoadedBase.awaitDurable(nodeA.registry.acquire(uuid).execute(model -> insertRow("a-1"), "a", null, null, 0, null).durable());

        nodeB.believeOwner(uuid.bucket(), 2, 3);
        LoadedBase atB = nodeB.registry.acquire(uuid); // the claim: (2, 3) > (1, 10^9)
        LoadedBase.awaitDurable(atB.execute(model -> insertRow("b-1"), "b", null, null, 0, null).durable());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LoadedBase.awaitDurable(nodeA.registry.acquire(uuid)
                        .execute(model -> insertRow("a-2"), "a", null, null, 0, null).durable()))
                .isInstanceOf(BaseUnavailableException.class);
        long oldest = dtable.core.cluster.FencingToken.of(1, dtable.core.cluster.FencingToken.MAX_REVISION);
        assertThat(storage.store.claim(uuid.value(), "node-a", oldest)).isEmpty();
        assertThat(storage.log(uuid)).extracting(StorageFixture.LogRow::node).containsExactly("node-a", "node-b");
    }

    private void writeLoop(StorageFixture.Node node, BaseUuid uuid, String writer, int count, Map<Long, Ack> acks,
            AtomicInteger refused, CountDownLatch warm, java.util.concurrent.atomic.AtomicLong firstBVersion,
            AtomicInteger ackedAfterB) {
        for (int i = 0; i < count; i++) {
            String payload = writer + "-" + i;
            try {
                LoadedBase base = node.registry.acquire(uuid);
                LoadedBase.Committed<Void> committed = base.execute(model -> insertRow(payload), writer, null, null, 0, null);
                LoadedBase.awaitDurable(committed.durable());
                Ack previous = acks.putIfAbsent(committed.version(), new Ack(node.nodeId, committed.version(), payload));
                assertThat(previous).as("version %d acknowledged twice", committed.version()).isNull();
                if (node == nodeB) {
                    firstBVersion.accumulateAndGet(committed.version(), Math::min);
                } else if (committed.version() > firstBVersion.get()) {
                    ackedAfterB.incrementAndGet();
                }
                warm.countDown();
            } catch (BaseUnavailableException e) {
                refused.incrementAndGet();
            }
        }
    }

    private static JsonNode insertRow(String payload) {
        ObjectNode op = JSON.createObjectNode().put("op_type", "insert_row").put("table_id", "0000");
        op.putObject("row_data").put("0000", payload);
        return op;
    }
}
