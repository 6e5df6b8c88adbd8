package dtable.server.storage;

import dtable.storage.StorageException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link OperationLog} whose appends wait until the test completes, fails or fences them, one at a
 * time in queue order (as Kafka's {@code MockPartitionWriter}). What a commit writes goes to a
 * {@link Database}: by default a list that accepts everything; in the node simulation the in-memory
 * {@link MemoryBaseStorage}, which fences an append whose epoch its row no longer holds.
 *
 * <p>Keeps the contract of {@link OperationLog}: appends of one instance complete in order, and once
 * one failed every later one of that instance fails. Completions run on the thread that calls
 * {@code commitNext}/{@code failNext}/…, holding this log's monitor, so that they are serialised like a
 * writer thread's; callbacks must not call back into the log. {@link #close()} refuses later appends and
 * leaves the queued ones to the test.
 */
public final class ManualOperationLog implements OperationLog {

    /** Where committed appends go. */
    public interface Database {
        /**
         * Writes the append if its epoch still holds; false when fenced (nothing written).
         *
         * @throws RuntimeException when the write itself fails (the append's outcome is then unknown)
         */
        boolean commit(Append append);
    }

    private final Database database;
    private final Deque<Append> queue = new ArrayDeque<>();
    private final List<Append> committed = new ArrayList<>();
    private final Set<Object> failed = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean autoCommit;
    private boolean closed;

    /** A log that commits every append into {@link #committed()} when told to. */
    public ManualOperationLog() {
        this(append -> true);
    }

    public ManualOperationLog(Database database) {
        this.database = database;
    }

    /** When on, every append is committed as it is queued (on the appending thread). */
    public synchronized ManualOperationLog autoCommit(boolean on) {
        this.autoCommit = on;
        return this;
    }

    @Override
    public synchronized CompletableFuture<Void> append(Append append) {
        if (closed) {
            append.done().completeExceptionally(new StorageException("operation log is closed", null));
            return append.done();
        }
        queue.addLast(append);
        if (autoCommit) {
            commitNext();
        }
        return append.done();
    }

    @Override
    public synchronized int pending() {
        return queue.size();
    }

    /** The queued appends, oldest first. */
    public synchronized List<Append> queued() {
        return List.copyOf(queue);
    }

    /** Whether an append of the base {@code dtableUuid} is queued. */
    public synchronized boolean hasQueued(String dtableUuid) {
        return queue.stream().anyMatch(a -> a.dtableUuid().equals(dtableUuid));
    }

    /** Appends committed so far, in commit order. */
    public synchronized List<Append> committed() {
        return List.copyOf(committed);
    }

    /**
     * Commits the oldest queued append: it completes normally, or with {@link FencedException} when the
     * database says its epoch is gone, or with a refusal when an earlier append of its instance failed.
     * Returns it, or null when nothing is queued.
     */
    public synchronized Append commitNext() {
        Append next = queue.pollFirst();
        if (next == null || refusedAfterEarlierFailure(next)) {
            return next;
        }
        boolean written;
        try {
            written = database.commit(next);
        } catch (RuntimeException e) {
            fail(next, new OutcomeUnknownException("commit outcome unknown: " + e.getMessage(), e));
            return next;
        }
        if (written) {
            committed.add(next);
            next.done().complete(null);
        } else {
            fail(next, new FencedException(next.dtableUuid(), next.epoch()));
        }
        return next;
    }

    /** Commits every queued append, in order; returns how many there were. */
    public synchronized int commitAll() {
        int n = 0;
        while (commitNext() != null) {
            n++;
        }
        return n;
    }

    /** Fails the oldest queued append as fenced, whatever the database says. */
    public synchronized Append fenceNext() {
        Append next = queue.pollFirst();
        if (next != null && !refusedAfterEarlierFailure(next)) {
            fail(next, new FencedException(next.dtableUuid(), next.epoch()));
        }
        return next;
    }

    /** Fails the oldest queued append as a refusal: nothing reached the database. */
    public synchronized Append refuseNext() {
        Append next = queue.pollFirst();
        if (next != null && !refusedAfterEarlierFailure(next)) {
            fail(next, new StorageException("operation log write failed: test says so", null));
        }
        return next;
    }

    /**
     * Fails the oldest queued append with {@link OutcomeUnknownException}; when {@code written}, the
     * database got it anyway (the commit was durable, its answer was lost), as after a broken connection.
     */
    public synchronized Append loseAnswerOfNext(boolean written) {
        Append next = queue.pollFirst();
        if (next != null && !refusedAfterEarlierFailure(next)) {
            if (written && writeQuietly(next)) {
                committed.add(next);
            }
            fail(next, new OutcomeUnknownException("commit outcome unknown: test says so", null));
        }
        return next;
    }

    private boolean writeQuietly(Append append) {
        try {
            return database.commit(append);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private boolean refusedAfterEarlierFailure(Append append) {
        if (!failed.contains(append.instance())) {
            return false;
        }
        append.done().completeExceptionally(new StorageException("an earlier operation of this base failed", null));
        return true;
    }

    private void fail(Append append, RuntimeException cause) {
        failed.add(append.instance());
        append.done().completeExceptionally(cause);
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
