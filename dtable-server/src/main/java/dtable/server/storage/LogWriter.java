package dtable.server.storage;

import dtable.server.storage.OperationLog.Append;
import dtable.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One group-commit writer of {@link OperationLog}: a queue, a platform thread, and (while busy) one
 * connection held in a transaction. The writer takes everything queued (up to {@code maxBatch}, waiting
 * at most the linger for more) and commits it in <em>one</em> transaction that, for every base in the
 * batch, first re-checks in {@code dtables} that this node still holds the base's ownership epoch (the
 * row lock it takes also serialises against a concurrent claim by another node), then inserts the
 * operations. A base whose epoch check fails is fenced: none of its operations are committed and its
 * future fails with {@link FencedException}; the other bases of the batch commit normally.
 *
 * <p>Batches are committed in queue order, so a base's versions become durable in order. Once an append
 * of a base instance ({@link Append#instance()}) fails, every later append of that instance fails too
 * without being written, so a failure never leaves a gap in the log.
 *
 * <p>Connection: while batches follow each other the writer keeps one pooled connection in a transaction
 * ({@code autocommit} off), so a batch costs its statements and its commit, not a pool checkout and two
 * {@code autocommit} round trips. It hands the connection back to the pool as soon as the queue is empty,
 * after {@link #HOLD_LIMIT_NANOS} of continuous use (so the pool can retire it), and after any failure.
 *
 * <p>Futures are completed on the writer thread in queue order; callbacks must be short.
 */
final class LogWriter {

    private static final Logger log = LoggerFactory.getLogger(OperationLog.class);

    /** Most rows in one {@code INSERT}: a whole batch at the default {@code group_commit_max_ops}. */
    static final int ROWS_PER_INSERT = 256;
    /**
     * Characters of operations in one {@code INSERT} beyond its first row: at most 3 bytes each in UTF-8, well under
     * the 16 MiB of MariaDB's default {@code max_allowed_packet}.
     */
    static final long CHARS_PER_INSERT = 2L << 20;
    /**
     * The {@code INSERT} of n rows at index n, built when first needed and then kept, so that the driver's statement
     * cache finds it by a string whose hash is already computed. Writers share it without a lock: a writer that
     * misses another's entry builds an equal string.
     */
    private static final String[] INSERT_SQL = new String[ROWS_PER_INSERT + 1];

    private final DataSource dataSource;
    private final int maxBatch;
    private final long lingerNanos;
    private final BlockingQueue<Append> queue = new LinkedBlockingQueue<>();
    /** Instances whose appends failed; touched by the writer thread only. */
    private final Set<Object> failed = Collections.newSetFromMap(new WeakHashMap<>());
    private final Thread writer;
    private final LongConsumer batchSizeRecorder;
    /** Nanoseconds from taking the connection to the commit of a batch, for each committed batch. */
    private final LongConsumer commitNanosRecorder;
    private volatile boolean running = true;
    /** Longest a busy writer keeps one connection before handing it back to the pool. */
    static final long HOLD_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** The connection the writer is using, in a transaction; writer thread only. */
    private Connection held;
    private long heldSince;
    /** Test seam: runs in {@link #append} between its check that the writer is open and the enqueue. */
    volatile Runnable beforeEnqueue = () -> { };

    LogWriter(String name, DataSource dataSource, int maxBatch, long lingerNanos, LongConsumer batchSizeRecorder) {
        this(name, dataSource, maxBatch, lingerNanos, batchSizeRecorder, nanos -> { });
    }

    LogWriter(String name, DataSource dataSource, int maxBatch, long lingerNanos, LongConsumer batchSizeRecorder,
            LongConsumer commitNanosRecorder) {
        this.dataSource = dataSource;
        this.commitNanosRecorder = commitNanosRecorder;
        this.maxBatch = Math.max(1, maxBatch);
        this.lingerNanos = lingerNanos;
        this.batchSizeRecorder = batchSizeRecorder;
        this.writer = Thread.ofPlatform().name(name).daemon(true).start(this::run);
    }

    CompletableFuture<Void> append(Append append) {
        if (!running) {
            append.done().completeExceptionally(new StorageException("operation log is closed", null));
        } else {
            beforeEnqueue.run();
            queue.add(append);
            // stop() may have come between the check and the add, and the writer may already have drained
            // its queue for the last time: then nobody takes this append, and its caller would wait for the
            // write timeout and answer outcome_unknown for an operation that never reached MySQL. Whoever
            // removes it from the queue completes it: the writer (it took it) or we (it was never taken).
            if (!running && queue.remove(append)) {
                append.done().completeExceptionally(new StorageException("operation log is closed", null));
            }
        }
        return append.done();
    }

    private void run() {
        List<Append> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Append first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - batch.size());
                long deadline = System.nanoTime() + lingerNanos;
                while (batch.size() < maxBatch && lingerNanos > 0) {
                    long wait = deadline - System.nanoTime();
                    Append next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : null;
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    queue.drainTo(batch, maxBatch - batch.size());
                }
                commit(batch);
                if (queue.isEmpty() || System.nanoTime() - heldSince > HOLD_LIMIT_NANOS) {
                    release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                log.error("operation log writer: unexpected error", e);
                release();
                fail(batch, new StorageException("operation log writer failed: " + e.getMessage(), e));
            } finally {
                batch.clear();
            }
        }
        release();
        Append left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new StorageException("operation log is closed", null));
        }
    }

    private void commit(List<Append> batch) {
        List<Append> live = new ArrayList<>(batch.size());
        for (Append a : batch) {
            if (failed.contains(a.instance())) {
                a.done().completeExceptionally(new StorageException("an earlier operation of this base failed", null));
            } else {
                live.add(a);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        batchSizeRecorder.accept(live.size());
        Map<Object, List<Append>> byInstance = new LinkedHashMap<>();
        for (Append a : live) {
            byInstance.computeIfAbsent(a.instance(), k -> new ArrayList<>()).add(a);
        }
        Set<Object> fenced = Collections.newSetFromMap(new IdentityHashMap<>());
        long started = System.nanoTime();
        Connection c;
        try {
            c = connection();
        } catch (SQLException | RuntimeException e) {
            // nothing of this batch was sent: a refusal the caller may retry
            log.warn("operation log: batch of {} failed before reaching MySQL: {}", live.size(), e.toString());
            fail(live, new StorageException("operation log write failed: " + e.getMessage(), e));
            return;
        }
        try {
            checkEpochs(c, byInstance, fenced);
            insert(c, live, fenced);
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            release();
            // statements reached the server: when the connection broke we cannot be sure what it kept,
            // so this is not a refusal the caller may retry (seen: a batch refused here was later in the log)
            log.warn("operation log: batch of {} failed after reaching MySQL, outcome unknown: {}", live.size(),
                    e.toString());
            fail(live, new OutcomeUnknownException("operation log write outcome unknown: " + e.getMessage(), e));
            return;
        }
        try {
            c.commit();
        } catch (SQLException | RuntimeException e) {
            release();
            // the server may have made the commit durable before the failure reached us
            log.warn("operation log: commit of {} operations failed, outcome unknown: {}", live.size(), e.toString());
            fail(live, new OutcomeUnknownException("commit outcome unknown: " + e.getMessage(), e));
            return;
        }
        commitNanosRecorder.accept(System.nanoTime() - started);
        // Committed: the outcome is decided. Returning the connection to the pool later resets it (autocommit)
        // and can fail when MySQL dies right then; that must not turn a durable batch into a refusal the
        // caller would retry (it did: a restart of MariaDB logged payloads twice, F4/F8 in docs/reliability.md),
        // so release() only ever closes quietly.
        for (Append a : live) {
            if (fenced.contains(a.instance())) {
                failed.add(a.instance());
                a.done().completeExceptionally(new FencedException(a.dtableUuid(), a.epoch()));
            } else {
                a.done().complete(null);
            }
        }
    }

    /**
     * Re-checks (and row-locks) the ownership epoch of every base of the batch inside its transaction, with
     * one conditional {@code UPDATE} of their {@code dtables} rows: a row matches while it still says
     * {@code owner_node = me}, {@code owner_epoch = the epoch this instance loaded with}, not deleted. When
     * all rows match (the common case) that is the whole check; when fewer do, one read of the rows tells
     * which bases moved (the matched rows are locked by the update, so what it reads of them holds until
     * the commit) and those are fenced, as is the stale one of two instances of a base (unloaded and loaded
     * again while appends were queued).
     *
     * <p>It must be a write, not a locking read ({@code SELECT … FOR UPDATE} was tried): MariaDB's
     * {@code idle_write_transaction_timeout} (set on every connection, see application.properties) kills
     * only transactions that wrote, and that is what stops a frozen node from holding these row locks
     * against the new owner's claim and committing when it wakes (F1 in docs/reliability.md; the fault
     * suite's {@code pause-node-past-lease} caught the locking read with {@code zombie_commits=3}).
     */
    private static void checkEpochs(Connection c, Map<Object, List<Append>> byInstance, Set<Object> fenced)
            throws SQLException {
        // one entry per base; a second instance of a base, or another node id, cannot match its row's
        // single epoch and owner, so it leaves fewer rows matched than instances and goes to the read below
        Map<String, Append> byUuid = new LinkedHashMap<>();
        for (List<Append> ops : byInstance.values()) {
            Append last = ops.get(ops.size() - 1);
            byUuid.putIfAbsent(last.dtableUuid(), last);
        }
        String nodeId = byUuid.values().iterator().next().nodeId();
        int n = byUuid.size();
        String cases = " WHEN ? THEN ?".repeat(n);
        String in = "?, ".repeat(n - 1) + "?";
        try (PreparedStatement ps = c.prepareStatement("UPDATE dtables SET updated_at = CURRENT_TIMESTAMP(3),"
                + " row_count = CASE dtable_uuid" + cases + " END WHERE dtable_uuid IN (" + in + ")"
                + " AND owner_node = ? AND deleted = 0 AND owner_epoch = CASE dtable_uuid" + cases + " END")) {
            int i = 1;
            for (Append a : byUuid.values()) {
                ps.setString(i++, a.dtableUuid());
                ps.setInt(i++, a.rowCount());
            }
            for (String uuid : byUuid.keySet()) {
                ps.setString(i++, uuid);
            }
            ps.setString(i++, nodeId);
            for (Append a : byUuid.values()) {
                ps.setString(i++, a.dtableUuid());
                ps.setLong(i++, a.epoch());
            }
            if (ps.executeUpdate() == byInstance.size()) {
                return;
            }
        }
        Map<String, Owner> owners = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT dtable_uuid, owner_node, owner_epoch, deleted FROM dtables"
                + " WHERE dtable_uuid IN (" + in + ") FOR UPDATE")) {
            int i = 1;
            for (String uuid : byUuid.keySet()) {
                ps.setString(i++, uuid);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    owners.put(rs.getString(1), new Owner(rs.getString(2), rs.getLong(3), rs.getBoolean(4)));
                }
            }
        }
        for (Map.Entry<Object, List<Append>> e : byInstance.entrySet()) {
            Append a = e.getValue().get(0);
            Owner owner = owners.get(a.dtableUuid());
            if (owner == null || owner.deleted() || !a.nodeId().equals(owner.node()) || owner.epoch() != a.epoch()) {
                fenced.add(e.getKey());
            }
        }
    }

    /** A base's ownership as its {@code dtables} row says now. */
    private record Owner(String node, long epoch, boolean deleted) {
    }

    /**
     * Inserts the batch's operations with multi-row {@code INSERT}s whose values are bound directly: a JDBC batch
     * ({@code addBatch}, rewritten into the same multi-row statement by the driver) copied every bound value once
     * per row and again into the rewritten statement: 3.5 of the 15.9 KB the node allocated per write, 1.3 KB with
     * this (docs/benchmarks.md). A statement takes at most {@link #ROWS_PER_INSERT} rows and, past the first,
     * {@link #CHARS_PER_INSERT} characters of operations, so that it stays under MySQL's packet limit and its
     * shapes fit the driver's statement cache.
     */
    private static void insert(Connection c, List<Append> live, Set<Object> fenced) throws SQLException {
        List<Append> rows = new ArrayList<>(live.size());
        for (Append a : live) {
            if (!fenced.contains(a.instance())) {
                rows.add(a);
            }
        }
        int from = 0;
        while (from < rows.size()) {
            int to = from + 1;
            long chars = rows.get(from).operation().length();
            while (to < rows.size() && to - from < ROWS_PER_INSERT) {
                chars += rows.get(to).operation().length();
                if (chars > CHARS_PER_INSERT) {
                    break;
                }
                to++;
            }
            insert(c, rows.subList(from, to));
            from = to;
        }
    }

    private static void insert(Connection c, List<Append> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insertSql(rows.size()))) {
            int i = 1;
            for (Append a : rows) {
                ps.setString(i++, a.dtableUuid());
                ps.setLong(i++, a.version());
                ps.setLong(i++, a.opTime());
                ps.setString(i++, a.author());
                ps.setString(i++, a.app());
                ps.setString(i++, a.operation());
                ps.setLong(i++, a.epoch());
                ps.setString(i++, a.nodeId());
            }
            ps.executeUpdate();
        }
    }

    private static String insertSql(int rows) {
        String sql = INSERT_SQL[rows];
        if (sql == null) {
            sql = "INSERT INTO operation_log (dtable_uuid, op_version, op_time, author, app, operation, owner_epoch,"
                    + " node_id) VALUES " + String.join(", ", Collections.nCopies(rows, "(?, ?, ?, ?, ?, ?, ?, ?)"));
            INSERT_SQL[rows] = sql;
        }
        return sql;
    }

    /** The writer's connection in a transaction: the held one, or a new one from the pool. */
    private Connection connection() throws SQLException {
        if (held == null) {
            Connection c = dataSource.getConnection();
            try {
                c.setAutoCommit(false);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(c);
                throw e;
            }
            held = c;
            heldSince = System.nanoTime();
        }
        return held;
    }

    /** Hands the held connection back to the pool (which resets it, or drops it when broken). */
    private void release() {
        if (held != null) {
            closeQuietly(held);
            held = null;
        }
    }

    private void fail(List<Append> appends, RuntimeException cause) {
        for (Append a : appends) {
            failed.add(a.instance());
            a.done().completeExceptionally(cause);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("operation log: returning a connection failed: {}", e.toString());
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it
        }
    }

    int pending() {
        return queue.size();
    }

    /** Stops taking appends; the writer writes what is queued and ends. */
    void stop() {
        running = false;
    }

    void join(long millis) throws InterruptedException {
        writer.join(millis);
    }
}
