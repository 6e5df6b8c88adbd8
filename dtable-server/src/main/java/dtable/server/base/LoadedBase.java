package dtable.server.base;

import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import dtable.model.Operation;
import dtable.model.OperationContext;
import dtable.server.storage.FencedException;
import dtable.server.storage.OperationLog;
import dtable.server.storage.OutcomeUnknownException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.zip.GZIPOutputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A base held in this node's memory, with its lane: every operation and read of the base runs
 * under {@link #lane}, one at a time (STYLE: one lane per base; no locks inside the model).
 *
 * <p>Write path (SPEC §5): validate and prepare the operation → it gets the next version → apply to
 * memory → append to the operation log (group commit) → the caller waits for durability before it
 * answers → the room hears it, in version order. Memory runs ahead of the log only by operations
 * whose answers are still held back; if an append fails, the base goes {@link BaseState#FAILED} and
 * is dropped, so that un-logged state is never served or snapshotted. Reads wait until every
 * operation they could have seen is durable.
 *
 * <p>Fields: {@code model}, {@code lastAppend}, {@code opsSinceSnapshot} are guarded by {@link #lane};
 * {@code state}, {@code durableVersion}, {@code lastAccessMillis} are volatile for lock-free peeks.
 */
public final class LoadedBase {

    private final BaseUuid uuid;
    private final String nodeId;
    private final long epoch;
    private final OperationLog operationLog;
    private final Clock clock;
    private final RandomGenerator random;
    private final Consumer<LoadedBase> onFailure;
    private final ReentrantLock lane = new ReentrantLock();
    private final List<RoomListener> room = new CopyOnWriteArrayList<>();

    private final Base model;
    private CompletableFuture<Void> lastAppend = CompletableFuture.completedFuture(null);
    private int opsSinceSnapshot;
    private final java.util.concurrent.atomic.AtomicReference<BaseState> state =
            new java.util.concurrent.atomic.AtomicReference<>(BaseState.INITIAL);
    private volatile long durableVersion;
    private volatile long lastAccessMillis;
    private volatile int rowCount;
    private volatile boolean dirty;

    /** The answer of an operation: its version and response, released once {@link #durable} completes. */
    public record Committed<R>(long version, R response, CompletableFuture<Void> durable) {
    }

    public LoadedBase(BaseUuid uuid, String nodeId, long epoch, Base model, OperationLog operationLog, Clock clock,
            RandomGenerator random, Consumer<LoadedBase> onFailure) {
        this.uuid = uuid;
        this.nodeId = nodeId;
        this.epoch = epoch;
        this.model = model;
        this.operationLog = operationLog;
        this.clock = clock;
        this.random = random;
        this.onFailure = onFailure;
        this.durableVersion = model.version();
        this.rowCount = model.rowCount();
        this.lastAccessMillis = clock.millis();
    }

    public BaseUuid uuid() {
        return uuid;
    }

    public long epoch() {
        return epoch;
    }

    public BaseState state() {
        return state.get();
    }

    public long durableVersion() {
        return durableVersion;
    }

    public int rowCount() {
        return rowCount;
    }

    public long lastAccessMillis() {
        return lastAccessMillis;
    }

    public boolean dirty() {
        return dirty;
    }

    public List<RoomListener> room() {
        return room;
    }

    public void join(RoomListener listener) {
        room.add(listener);
    }

    public void leave(RoomListener listener) {
        room.remove(listener);
    }

    /**
     * Moves the lifecycle on; throws on an illegal transition. Lock-free (compare-and-set), so the
     * log writer can fail a base while another thread holds its lane.
     */
    public void transitionTo(BaseState target) {
        while (true) {
            BaseState current = state.get();
            if (!current.canMoveTo(target)) {
                throw new IllegalStateException("base " + uuid + ": illegal transition " + current + " -> " + target);
            }
            if (state.compareAndSet(current, target)) {
                return;
            }
        }
    }

    /**
     * Runs one write: {@code command} builds the raw operation from the current state (REST bodies
     * name columns; the command maps them to keys), the model prepares and applies it, and
     * {@code response} builds the answer from the new state. The answer must not be released
     * before {@link Committed#durable()} completes.
     *
     * @throws BaseUnavailableException when the base is not {@link BaseState#ACTIVE}
     * @throws dtable.model.OperationException on bad input (nothing changed)
     */
    public <R> Committed<R> execute(Function<Base, JsonNode> command, String author, String app, Object origin, long seq,
            BiFunction<Base, Operation, R> response) {
        lane.lock();
        try {
            requireActive();
            lastAccessMillis = clock.millis();
            JsonNode raw = command.apply(model);
            long now = clock.millis();
            Operation op = model.prepare(raw, new OperationContext(clock.instant(), random, author));
            model.apply(op);
            long version = model.version();
            rowCount = model.rowCount();
            dirty = true;
            opsSinceSnapshot++;
            ObjectNode logged = op.json();
            // the callback is attached before the append is queued, so it runs on the writer thread in version order
            CompletableFuture<Void> durable = new CompletableFuture<>();
            durable.whenComplete((ok, error) -> {
                if (error == null) {
                    durableVersion = version;
                    for (RoomListener listener : room) {
                        listener.onOperation(version, logged, author, origin, seq);
                    }
                } else {
                    fail(error);
                }
            });
            lastAppend = durable;
            // queued before the answer is built: whatever the answer does, memory never runs ahead of the log
            operationLog.append(new OperationLog.Append(this, uuid.value(), nodeId, epoch, version, now, author, app,
                    op.toJsonString(), rowCount, durable));
            R answer = response == null ? null : response.apply(model, op);
            return new Committed<>(version, answer, durable);
        } finally {
            lane.unlock();
        }
    }

    /** Runs a read against the current state and returns once everything it saw is durable. */
    public <R> R read(Function<Base, R> reader) {
        R result;
        CompletableFuture<Void> visible;
        lane.lock();
        try {
            requireActive();
            lastAccessMillis = clock.millis();
            result = reader.apply(model);
            visible = lastAppend;
        } finally {
            lane.unlock();
        }
        awaitDurable(visible);
        return result;
    }

    /** Waits for an operation's durability; maps failures to {@link BaseUnavailableException}. */
    public static void awaitDurable(CompletableFuture<Void> durable) {
        try {
            durable.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BaseUnavailableException("interrupted while waiting for durability", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof OutcomeUnknownException unknown) {
                throw unknown;
            }
            String reason = cause instanceof FencedException ? "base moved to another node" : "storage unavailable";
            throw new BaseUnavailableException(reason + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            // still queued: it may commit later, so this is not a refusal
            throw new OutcomeUnknownException("timed out waiting for durability; the operation may still be applied", e);
        }
    }

    /**
     * Serialises the durable state as a gzip JSON snapshot, or returns null when the base is not
     * ACTIVE/UNLOADING or its last append failed. Waits (holding the lane) for in-flight appends, so
     * the snapshot never contains an operation that is not in the log.
     */
    public Snapshot snapshot() {
        // wait for the appends in flight without holding the lane, so writes go on meanwhile
        CompletableFuture<Void> inFlight;
        lane.lock();
        try {
            inFlight = lastAppend;
        } finally {
            lane.unlock();
        }
        if (!settled(inFlight)) {
            return null;
        }
        lane.lock();
        try {
            BaseState now = state.get();
            if (now != BaseState.ACTIVE && now != BaseState.UNLOADING) {
                return null;
            }
            // only what was appended since the wait above: one group commit at most
            if (!settled(lastAppend)) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
            try (GZIPOutputStream gzip = new GZIPOutputStream(bytes, 64 * 1024)) {
                model.write(gzip);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Snapshot snapshot = new Snapshot(model.version(), model.rowCount(), bytes.toByteArray(), opsSinceSnapshot);
            opsSinceSnapshot = 0;
            dirty = false;
            return snapshot;
        } finally {
            lane.unlock();
        }
    }

    /** Waits (at most 60 s) for appends in flight; false when they failed, timed out or the wait was interrupted. */
    private static boolean settled(CompletableFuture<Void> appends) {
        try {
            appends.get(60, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Marks the snapshot as not written (fenced or storage error), so the next round retries. */
    public void snapshotFailed(Snapshot snapshot) {
        lane.lock();
        try {
            dirty = true;
            opsSinceSnapshot += snapshot.opsCovered();
        } finally {
            lane.unlock();
        }
    }

    /** Operations applied since the last snapshot (for {@code snapshot_every_ops}). */
    public int opsSinceSnapshot() {
        lane.lock();
        try {
            return opsSinceSnapshot;
        } finally {
            lane.unlock();
        }
    }

    /** A serialised base. */
    public record Snapshot(long version, int rowCount, byte[] gzipJson, int opsCovered) {
    }

    /** Called on the log writer thread; must not take the lane (a snapshot may hold it while waiting for this very append). */
    private void fail(Throwable error) {
        while (true) {
            BaseState current = state.get();
            if (current == BaseState.FAILED || current == BaseState.CLOSED) {
                return;
            }
            if (state.compareAndSet(current, BaseState.FAILED)) {
                onFailure.accept(this);
                return;
            }
        }
    }

    private void requireActive() {
        BaseState now = state.get();
        if (now != BaseState.ACTIVE) {
            throw new BaseUnavailableException("base " + uuid + " is " + now.name().toLowerCase());
        }
    }

    /** Whether the last append failed (fenced or storage), i.e. memory may be ahead of the log. */
    public boolean failed() {
        return state.get() == BaseState.FAILED;
    }

    @Override
    public String toString() {
        return "LoadedBase{" + uuid + ", epoch=" + epoch + ", state=" + state.get() + ", version=" + durableVersion + "}";
    }
}
