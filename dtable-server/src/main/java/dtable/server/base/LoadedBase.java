package dtable.server.base;

import dtable.core.error.BaseUnavailableException;
import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import dtable.model.FrozenBase;
import dtable.model.Operation;
import dtable.model.OperationContext;
import dtable.model.stored.SnapshotCodec;
import dtable.server.storage.FencedException;
import dtable.server.storage.OperationLog;
import dtable.server.storage.OutcomeUnknownException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
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
 * <p>Nothing proportional to the base's size runs under the lane (STYLE: never serialise under the
 * lane): a snapshot or a whole-base read takes a {@link FrozenBase} under the lane (an array copy of
 * row references per table, copy-on-write rows) and serialises it, waits for the log and gzips it
 * after releasing the lane. Every hold is reported to a {@link LaneMonitor}.
 *
 * <p>Fields: {@code model}, {@code lastAppend}, {@code opsSinceSnapshot} are guarded by {@link #lane};
 * {@code state}, {@code durableVersion}, {@code lastAccessMillis} are volatile for lock-free peeks.
 */
public final class LoadedBase {

    private final BaseUuid uuid;
    private final String nodeId;
    private final long epoch;
    private final OperationLog operationLog;
    private final LaneMonitor laneMonitor;
    private final Clock clock;
    private final RandomGenerator random;
    private final Consumer<LoadedBase> onFailure;
    private final WriteGate writeGate;
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
        this(uuid, nodeId, epoch, model, operationLog, clock, random, onFailure, LaneMonitor.LOG_ONLY);
    }

    public LoadedBase(BaseUuid uuid, String nodeId, long epoch, Base model, OperationLog operationLog, Clock clock,
            RandomGenerator random, Consumer<LoadedBase> onFailure, LaneMonitor laneMonitor) {
        this(uuid, nodeId, epoch, model, operationLog, clock, random, onFailure, laneMonitor, new WriteGate());
    }

    /** @param writeGate checked before every write enters the lane (shared by the node's bases) */
    public LoadedBase(BaseUuid uuid, String nodeId, long epoch, Base model, OperationLog operationLog, Clock clock,
            RandomGenerator random, Consumer<LoadedBase> onFailure, LaneMonitor laneMonitor, WriteGate writeGate) {
        this.uuid = uuid;
        this.writeGate = java.util.Objects.requireNonNull(writeGate, "writeGate");
        this.nodeId = nodeId;
        this.epoch = epoch;
        this.model = model;
        this.operationLog = operationLog;
        this.clock = clock;
        this.random = random;
        this.onFailure = onFailure;
        this.laneMonitor = laneMonitor;
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
     * @throws BaseUnavailableException when the base is not {@link BaseState#ACTIVE}, or the node's
     *                                  {@link WriteGate} is closed (MySQL unreachable): nothing applied or queued
     * @throws dtable.model.OperationException on bad input (nothing changed)
     */
    public <R> Committed<R> execute(Function<Base, JsonNode> command, String author, String app, Object origin, long seq,
            BiFunction<Base, Operation, R> response) {
        writeGate.check(uuid); // before the lane: a refused write must not wait behind one stuck on a dead link
        return executeHeld(lockLane(), command, author, app, origin, seq, response);
    }

    /**
     * {@link #execute}, or null at once (nothing applied, nothing queued) when another thread holds the lane: for a
     * caller that must not block, such as an event loop, which then hands the write to a thread that may wait.
     */
    public <R> Committed<R> tryExecute(Function<Base, JsonNode> command, String author, String app, Object origin,
            long seq, BiFunction<Base, Operation, R> response) {
        writeGate.check(uuid);
        if (!lane.tryLock()) {
            return null;
        }
        return executeHeld(System.nanoTime(), command, author, app, origin, seq, response);
    }

    /** The write of {@link #execute} with the lane already taken at {@code held}; releases it. */
    private <R> Committed<R> executeHeld(long held, Function<Base, JsonNode> command, String author, String app,
            Object origin, long seq, BiFunction<Base, Operation, R> response) {
        String what = "operation";
        try {
            requireActive();
            lastAccessMillis = clock.millis();
            JsonNode raw = command.apply(model);
            long now = clock.millis();
            Operation op = model.prepare(raw, new OperationContext(clock.instant(), random, author));
            what = op.opType();
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
            unlockLane(held, what);
        }
    }

    /**
     * Runs a read against the current state and returns once everything it saw is durable. The reader
     * runs under the lane: it must be small (a row, a page, the metadata); a whole base is read with
     * {@link #readFrozen}.
     */
    public <R> R read(Function<Base, R> reader) {
        Captured<R> read = capture(reader, "read");
        awaitDurable(read.visible());
        return read.value();
    }

    /**
     * Runs a read of the whole base outside the lane: freezes the current state under the lane, waits
     * until everything in it is durable, then runs {@code reader} on the frozen view while writes go on.
     */
    public <R> R readFrozen(Function<FrozenBase, R> reader) {
        Captured<FrozenBase> frozen = capture(Base::freeze, "frozen read");
        try {
            awaitDurable(frozen.visible());
            return reader.apply(frozen.value());
        } finally {
            frozen.value().close();
        }
    }

    /** What a read took under the lane, and the append it must wait for before it is answered. */
    private record Captured<T>(T value, CompletableFuture<Void> visible) {
    }

    /** Runs {@code capture} on the ACTIVE base under the lane, with the last append it could have seen. */
    private <T> Captured<T> capture(Function<Base, T> capture, String what) {
        long held = lockLane();
        try {
            requireActive();
            lastAccessMillis = clock.millis();
            return new Captured<>(capture.apply(model), lastAppend);
        } finally {
            unlockLane(held, what);
        }
    }

    /** How long a request waits for its operation's commit before it answers {@code outcome_unknown}. */
    public static final Duration DURABILITY_TIMEOUT = Duration.ofSeconds(60);

    /** Waits for an operation's durability; maps failures to {@link BaseUnavailableException}. */
    public static void awaitDurable(CompletableFuture<Void> durable) {
        try {
            DurabilityWaits.await(durable, DURABILITY_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BaseUnavailableException("interrupted while waiting for durability", e);
        } catch (ExecutionException e) {
            throw durabilityFailure(e.getCause());
        } catch (TimeoutException e) {
            // still queued: it may commit later, so this is not a refusal
            throw durabilityTimedOut(e);
        }
    }

    /** What a request answers when its operation was not durable within {@link #DURABILITY_TIMEOUT} (504). */
    public static OutcomeUnknownException durabilityTimedOut(Throwable cause) {
        return new OutcomeUnknownException("timed out waiting for durability; the operation may still be applied", cause);
    }

    /**
     * What a request answers when its operation's commit failed with {@code cause}: {@link OutcomeUnknownException}
     * as it is (504), anything else as {@link BaseUnavailableException} (503; nothing was applied).
     */
    public static RuntimeException durabilityFailure(Throwable cause) {
        if (cause instanceof CompletionException wrapped && wrapped.getCause() != null) {
            cause = wrapped.getCause();
        }
        if (cause instanceof OutcomeUnknownException unknown) {
            return unknown;
        }
        String reason = cause instanceof FencedException ? "base moved to another node" : "storage unavailable";
        return new BaseUnavailableException(reason + ": " + cause.getMessage(), cause);
    }

    /**
     * Serialises the base as a gzip JSON snapshot, or returns null when the base is not
     * ACTIVE/UNLOADING or an append the snapshot would contain failed. Holds the lane only to freeze
     * the state (milliseconds); waits for the commit of that version and serialises after releasing
     * it, so the snapshot never contains an operation that is not in the log and writes go on meanwhile.
     */
    public Snapshot snapshot() {
        return snapshot(UnaryOperator.identity());
    }

    /** {@link #snapshot()} writing the gzip stream through {@code sink} (a seam for tests). */
    Snapshot snapshot(UnaryOperator<OutputStream> sink) {
        FrozenBase frozen;
        CompletableFuture<Void> inFlight;
        int covered;
        long held = lockLane();
        try {
            BaseState now = state.get();
            if (now != BaseState.ACTIVE && now != BaseState.UNLOADING) {
                return null;
            }
            frozen = model.freeze();
            inFlight = lastAppend;
            covered = opsSinceSnapshot;
            opsSinceSnapshot = 0;
            dirty = false;
        } finally {
            unlockLane(held, "snapshot capture");
        }
        boolean done = false;
        try {
            // the frozen state may hold operations whose group commit is still running: wait outside the lane
            if (!settled(inFlight)) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(64 * 1024, frozen.rowCount() * 24));
            try (OutputStream gzip = SnapshotCodec.compressing(sink.apply(bytes))) {
                frozen.write(gzip);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            done = true;
            return new Snapshot(frozen.version(), frozen.rowCount(), bytes.toByteArray(), covered);
        } finally {
            frozen.close();
            if (!done) {
                notWritten(covered);
            }
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
        notWritten(snapshot.opsCovered());
    }

    private void notWritten(int opsCovered) {
        long held = lockLane();
        try {
            dirty = true;
            opsSinceSnapshot += opsCovered;
        } finally {
            unlockLane(held, "snapshot failed");
        }
    }

    /** Operations applied since the last snapshot (for {@code snapshot_every_ops}). */
    public int opsSinceSnapshot() {
        long held = lockLane();
        try {
            return opsSinceSnapshot;
        } finally {
            unlockLane(held, "snapshot check");
        }
    }

    /** Takes the lane; returns when it was taken (for {@link #unlockLane}). */
    private long lockLane() {
        lane.lock();
        return System.nanoTime();
    }

    /** Releases the lane and reports how long it was held. */
    private void unlockLane(long lockedAt, String what) {
        long held = System.nanoTime() - lockedAt;
        lane.unlock();
        laneMonitor.held(uuid, what, held);
    }

    /** A serialised base. */
    public record Snapshot(long version, int rowCount, byte[] gzipJson, int opsCovered) {
    }

    /** Called on the log writer thread; must not take the lane (a writer must never wait for a base's lane). */
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
