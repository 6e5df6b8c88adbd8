package dtable.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.server.StorageFixture;
import dtable.storage.StorageException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the log writer answers failures around a real MariaDB: what happened after the commit cannot turn
 * a durable batch into a refusal (which the proxy would retry into a duplicate), and a batch that never
 * reached MySQL is a refusal (and no commit-time sample). The writer keeps one connection while batches
 * follow each other and gives it back when idle or broken.
 */
@Tag("integration")
class OperationLogIT {

    @RegisterExtension
    static final StorageFixture.OnMariaDb STORAGE = StorageFixture.onMariaDb();

    @Test
    void aBatchThatCommittedIsAcknowledgedEvenWhenReturningItsConnectionFails() throws Exception {
        String uuid = STORAGE.get().newLogBase();
        try (OperationLog log = new MysqlOperationLog(faulty(STORAGE.get().dataSource, true, false), 16, 0, size -> { })) {
            CompletableFuture<Void> done = append(log, uuid, 1);

            done.get(30, TimeUnit.SECONDS); // completes normally: the commit went through
            assertThat(STORAGE.get().log(BaseUuid.parse(uuid))).hasSize(1);
        }
    }

    @Test
    void aBatchThatCouldNotStartIsARefusalAndNothingIsLogged() throws Exception {
        String uuid = STORAGE.get().newLogBase();
        try (OperationLog log = new MysqlOperationLog(faulty(STORAGE.get().dataSource, false, true), 16, 0, size -> { })) {
            CompletableFuture<Void> done = append(log, uuid, 1);

            assertThatThrownBy(() -> done.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isExactlyInstanceOf(StorageException.class);
            assertThat(STORAGE.get().log(BaseUuid.parse(uuid))).isEmpty();
        }
    }

    /** The op-log commit latency ({@code dtable_oplog_commit_seconds}): one sample per committed batch. */
    @Test
    void everyCommittedBatchRecordsItsCommitTime() throws Exception {
        String uuid = STORAGE.get().newLogBase();
        ConcurrentLinkedQueue<Long> sizes = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> commitNanos = new ConcurrentLinkedQueue<>();
        try (OperationLog log = new MysqlOperationLog(STORAGE.get().dataSource, 1, 4, 0, sizes::add, commitNanos::add)) {
            Object instance = new Object();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int version = 1; version <= 40; version++) {
                done.add(StorageFixture.appendInsert(log, instance, uuid, version));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }

        assertThat(sizes.stream().mapToLong(Long::longValue).sum()).isEqualTo(40);
        assertThat(commitNanos).hasSameSizeAs(sizes).allMatch(nanos -> nanos > 0);
    }

    @Test
    void aBatchThatNeverReachedMysqlRecordsNoCommitTime() {
        ConcurrentLinkedQueue<Long> commitNanos = new ConcurrentLinkedQueue<>();
        DataSource down = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    throw new SQLException("injected: MySQL unreachable", "08S01");
                });
        try (OperationLog log = new MysqlOperationLog(down, 1, 4, 0, size -> { }, commitNanos::add)) {
            CompletableFuture<Void> done = append(log, UUID.randomUUID().toString(), 1);

            assertThatThrownBy(() -> done.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isExactlyInstanceOf(StorageException.class);
        }
        assertThat(commitNanos).isEmpty();
    }

    @Test
    void theWriterKeepsOneConnectionWhileBusyAndGivesItBackWhenIdle() throws Exception {
        String uuid = STORAGE.get().newLogBase();
        Counting counting = new Counting(STORAGE.get().dataSource);
        try (OperationLog log = new MysqlOperationLog(counting.dataSource(), 4, 0, size -> { })) {
            Object instance = new Object();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int version = 1; version <= 200; version++) {
                done.add(StorageFixture.appendInsert(log, instance, uuid, version));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            assertThat(STORAGE.get().log(BaseUuid.parse(uuid))).hasSize(200);
            // 200 appends at most 4 per batch: at least 50 batches, far fewer checkouts
            assertThat(counting.checkouts.get()).isLessThan(50);
            await("connection back in the pool").atMost(Duration.ofSeconds(10))
                    .until(() -> counting.checkouts.get() == counting.returns.get());
        }
    }

    @Test
    void aBatchThatBreaksMidwayGivesUpItsConnectionAndTheNextBatchTakesAFreshOne() throws Exception {
        String first = STORAGE.get().newLogBase();
        String second = STORAGE.get().newLogBase();
        Counting counting = new Counting(STORAGE.get().dataSource);
        try (OperationLog log = new MysqlOperationLog(counting.dataSource(), 16, 0, size -> { })) {
            counting.failNextStatement.set(true);
            CompletableFuture<Void> broken = append(log, first, 1);
            assertThatThrownBy(() -> broken.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isExactlyInstanceOf(OutcomeUnknownException.class);
            assertThat(counting.returns.get()).isEqualTo(counting.checkouts.get());

            append(log, second, 1).get(30, TimeUnit.SECONDS);

            assertThat(STORAGE.get().log(BaseUuid.parse(first))).isEmpty();
            assertThat(STORAGE.get().log(BaseUuid.parse(second))).hasSize(1);
            assertThat(counting.checkouts.get()).isEqualTo(2);
        }
    }

    @Test
    void inABatchOfManyBasesOnlyTheOneWhoseEpochMovedIsFenced() throws Exception {
        List<String> bases = newBases(6);
        String moved = claimedByAnotherNode(bases.get(3));
        List<Long> batchSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        // a batch closes when it holds six, and the linger outwaits any scheduling: one epoch check for all six
        try (OperationLog log = new MysqlOperationLog(STORAGE.get().dataSource, 6, 10_000, batchSizes::add)) {
            appendOneEachAndExpectOnlyFenced(log, bases, moved);
            assertThat(batchSizes).containsExactly(6L);
        }
    }

    @Test
    void severalWritersKeepEveryBaseInOrderAndFenceOnlyTheMovedBase() throws Exception {
        List<String> bases = newBases(12);
        String moved = claimedByAnotherNode(bases.get(5));
        try (OperationLog log = new MysqlOperationLog(STORAGE.get().dataSource, 3, 8, 0, size -> { })) {
            Map<String, Object> instances = new HashMap<>();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int version = 1; version <= 40; version++) {
                for (String uuid : bases) {
                    Object instance = instances.computeIfAbsent(uuid, k -> new Object());
                    done.add(StorageFixture.appendInsert(log, instance, uuid, version));
                }
            }
            for (int i = 0; i < done.size(); i++) {
                String uuid = bases.get(i % bases.size());
                CompletableFuture<Void> one = done.get(i);
                if (uuid.equals(moved)) {
                    assertThatThrownBy(() -> one.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
                } else {
                    one.get(30, TimeUnit.SECONDS);
                }
            }
            for (String uuid : bases) {
                List<Long> versions = STORAGE.get().log(BaseUuid.parse(uuid)).stream().map(StorageFixture.LogRow::version).toList();
                if (uuid.equals(moved)) {
                    assertThat(versions).isEmpty();
                } else {
                    assertThat(versions).as(uuid).containsExactlyElementsOf(
                            java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
                }
            }
        }
    }

    @Test
    void aDeletedBaseInABatchIsFencedAndTheOthersCommit() throws Exception {
        List<String> bases = newBases(4);
        String deleted = bases.get(1);
        try (Connection c = STORAGE.get().dataSource.getConnection()) {
            c.createStatement().executeUpdate("UPDATE dtables SET deleted = 1 WHERE dtable_uuid = '" + deleted + "'");
        }
        try (OperationLog log = new MysqlOperationLog(STORAGE.get().dataSource, bases.size(), 10_000, size -> { })) {
            appendOneEachAndExpectOnlyFenced(log, bases, deleted);
        }
    }

    @Test
    void aBatchTooBigForOneInsertIsSplitAndCommitsWholeAndInOrder() throws Exception {
        List<String> bases = newBases(3);
        int perBase = 200;
        int batch = bases.size() * perBase;
        // six operations of 1.5 M characters: a statement ends before the operation that would take it past 2 M
        String big = "{\"op_type\":\"insert_row\",\"row_data\":{\"Notes\":\"" + "x".repeat(3 << 19) + "\"}}";
        List<Long> batchSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        Counting counting = new Counting(STORAGE.get().dataSource);
        try (OperationLog log = new MysqlOperationLog(counting.dataSource(), batch, 10_000, batchSizes::add)) {
            Map<String, Object> instances = new HashMap<>();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int version = 1; version <= perBase; version++) {
                for (String uuid : bases) {
                    String operation = version == 7 || version == 8 ? big : "{\"op_type\":\"insert_row\"}";
                    CompletableFuture<Void> one = new CompletableFuture<>();
                    log.append(new OperationLog.Append(instances.computeIfAbsent(uuid, k -> new Object()), uuid,
                            "node-a", 1, version, System.currentTimeMillis(), "tester", null, operation, 1, one));
                    done.add(one);
                }
            }
            for (CompletableFuture<Void> one : done) {
                one.get(60, TimeUnit.SECONDS);
            }
            assertThat(batchSizes).containsExactly((long) batch);
            // rows 18-23 are the big ones: 0-18 (the first big one still fits), each big one alone, then the
            // last big one with small ones up to 256 rows a statement
            assertThat(counting.rowsPerInsert).containsExactly(19, 1, 1, 1, 1, 256, 256, 65);
            for (String uuid : bases) {
                List<StorageFixture.LogRow> rows = STORAGE.get().log(BaseUuid.parse(uuid));
                assertThat(rows).extracting(StorageFixture.LogRow::version).as(uuid).containsExactlyElementsOf(
                        java.util.stream.LongStream.rangeClosed(1, perBase).boxed().toList());
                assertThat(rows.get(6).operation()).isEqualTo(big);
                assertThat(rows.get(7).operation()).isEqualTo(big);
            }
        }
    }

    @ParameterizedTest(name = "stale instance queued first: {0}")
    @ValueSource(booleans = {true, false})
    void twoInstancesOfOneBaseInABatchOnlyTheCurrentEpochCommits(boolean staleFirst) throws Exception {
        String uuid = STORAGE.get().newLogBase();
        // the base was unloaded and loaded again by this node: the row now says epoch 2
        try (Connection c = STORAGE.get().dataSource.getConnection()) {
            c.createStatement().executeUpdate("UPDATE dtables SET owner_epoch = 2 WHERE dtable_uuid = '" + uuid + "'");
        }
        List<Long> batchSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (OperationLog log = new MysqlOperationLog(STORAGE.get().dataSource, 2, 10_000, batchSizes::add)) {
            CompletableFuture<Void> stale = new CompletableFuture<>();
            CompletableFuture<Void> current = new CompletableFuture<>();
            OperationLog.Append staleAppend = new OperationLog.Append(new Object(), uuid, "node-a", 1, 1,
                    System.currentTimeMillis(), "tester", null, "{\"op_type\":\"insert_row\"}", 1, stale);
            OperationLog.Append currentAppend = new OperationLog.Append(new Object(), uuid, "node-a", 2, 1,
                    System.currentTimeMillis(), "tester", null, "{\"op_type\":\"insert_row\"}", 1, current);
            log.append(staleFirst ? staleAppend : currentAppend);
            log.append(staleFirst ? currentAppend : staleAppend);

            current.get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> stale.get(30, TimeUnit.SECONDS)).cause().isExactlyInstanceOf(FencedException.class);
            assertThat(STORAGE.get().log(BaseUuid.parse(uuid))).extracting(StorageFixture.LogRow::epoch).containsExactly(2L);
            assertThat(batchSizes).containsExactly(2L);
        }
    }

    /** Appends version 1 to each base (one batch when its size is theirs): only {@code fenced} fails, and only it is not logged. */
    private static void appendOneEachAndExpectOnlyFenced(OperationLog log, List<String> bases, String fenced)
            throws Exception {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (String uuid : bases) {
            done.add(append(log, uuid, 1));
        }
        for (int i = 0; i < bases.size(); i++) {
            CompletableFuture<Void> one = done.get(i);
            if (bases.get(i).equals(fenced)) {
                assertThatThrownBy(() -> one.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isExactlyInstanceOf(FencedException.class);
                assertThat(STORAGE.get().log(BaseUuid.parse(bases.get(i)))).isEmpty();
            } else {
                one.get(30, TimeUnit.SECONDS);
                assertThat(STORAGE.get().log(BaseUuid.parse(bases.get(i)))).hasSize(1);
            }
        }
    }

    /**
     * {@code real} counting checkouts and returns, noting the rows of every operation-log {@code INSERT} prepared,
     * and able to break the next statement prepared.
     */
    private static final class Counting {
        final AtomicInteger checkouts = new AtomicInteger();
        final AtomicInteger returns = new AtomicInteger();
        final List<Integer> rowsPerInsert = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicBoolean failNextStatement = new AtomicBoolean();
        private final DataSource real;

        Counting(DataSource real) {
            this.real = real;
        }

        DataSource dataSource() {
            return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                    (proxy, method, args) -> method.getName().equals("getConnection")
                            ? connection(real.getConnection()) : invoke(real, method, args));
        }

        private Connection connection(Connection connection) {
            checkouts.incrementAndGet();
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("prepareStatement") && failNextStatement.getAndSet(false)) {
                            throw new SQLException("injected: connection broke during the batch");
                        }
                        if (method.getName().equals("prepareStatement")
                                && ((String) args[0]).startsWith("INSERT INTO operation_log")) {
                            rowsPerInsert.add(((String) args[0]).split("\\(\\?", -1).length - 1);
                        }
                        if (method.getName().equals("close")) {
                            returns.incrementAndGet();
                        }
                        return invoke(connection, method, args);
                    });
        }
    }

    private static List<String> newBases(int count) {
        List<String> bases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bases.add(STORAGE.get().newLogBase());
        }
        return bases;
    }

    /** Moves {@code uuid} to node-b at epoch 2, as a claim by another node would; returns it. */
    private static String claimedByAnotherNode(String uuid) throws SQLException {
        try (Connection c = STORAGE.get().dataSource.getConnection()) {
            c.createStatement().executeUpdate("UPDATE dtables SET owner_node = 'node-b', owner_epoch = 2"
                    + " WHERE dtable_uuid = '" + uuid + "'");
        }
        return uuid;
    }

    private static CompletableFuture<Void> append(OperationLog log, String uuid, long version) {
        return StorageFixture.appendInsert(log, new Object(), uuid, version);
    }

    /**
     * {@code real} with connections whose {@code close()} fails after returning them (as Hikari's does when
     * resetting autocommit on a connection MySQL just dropped) or whose {@code setAutoCommit(false)} fails
     * before anything is sent.
     */
    private static DataSource faulty(DataSource real, boolean failClose, boolean failBegin) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> method.getName().equals("getConnection")
                        ? faulty(real.getConnection(), failClose, failBegin) : invoke(real, method, args));
    }

    private static Connection faulty(Connection connection, boolean failClose, boolean failBegin) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (failBegin && method.getName().equals("setAutoCommit") && Boolean.FALSE.equals(args[0])) {
                        throw new SQLException("injected: connection broke before the batch");
                    }
                    Object result = invoke(connection, method, args);
                    if (failClose && method.getName().equals("close")) {
                        throw new SQLException("injected: resetting the connection failed");
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
