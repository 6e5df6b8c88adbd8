package dtable.server.base;

import dtable.core.error.BaseUnavailableException;
import dtable.core.error.BaseNotFoundException;
import dtable.core.bucket.BaseUuid;
import dtable.core.bucket.Bucket;
import dtable.model.Base;
import dtable.model.stored.ContiguousReplay;
import dtable.model.stored.SnapshotCodec;
import dtable.server.cluster.Ownership;
import dtable.server.cluster.Route;
import dtable.server.storage.BaseRecord;
import dtable.server.storage.BaseStorage;
import dtable.server.storage.OperationLog;
import dtable.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bases this node holds in memory: loading (fenced claim, snapshot + log replay), creation,
 * deletion and unloading (snapshot while the epoch is still held, tell the room, drop).
 *
 * <p>Thread-safe. Concurrent requests for a base that is not loaded share one load.
 */
public final class BaseRegistry {

    private static final Logger log = LoggerFactory.getLogger(BaseRegistry.class);
    private static final int REPLAY_PAGE = 5000;

    /** Limits that decide whether a base may be loaded. */
    public record Limits(long maxLoadedRows) {
    }

    private final String nodeId;
    private final BaseStorage store;
    private final OperationLog operationLog;
    private final Ownership ownership;
    private final Clock clock;
    private final Limits limits;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, LoadedBase> loaded = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<LoadedBase>> loading = new ConcurrentHashMap<>();
    private final SnapshotWriters snapshotWriters = new SnapshotWriters(SnapshotWriters.defaultWriters());
    private volatile LaneMonitor laneMonitor = LaneMonitor.LOG_ONLY;
    /** Shared by every base this node loads: closed while MySQL is unreachable (new writes refused at once). */
    private final WriteGate writeGate = new WriteGate();

    /** Test seam: runs when a freshly loaded or created base is about to become reachable. */
    volatile Runnable beforePublish = () -> { };

    public BaseRegistry(String nodeId, BaseStorage store, OperationLog operationLog, Ownership ownership, Clock clock,
            Limits limits) {
        this.nodeId = nodeId;
        this.store = store;
        this.operationLog = operationLog;
        this.ownership = ownership;
        this.clock = clock;
        this.limits = limits;
    }

    /** Where bases loaded or created from now on report their lane holds (metrics). */
    public void monitorLanes(LaneMonitor monitor) {
        this.laneMonitor = monitor;
    }

    /** Whether this node's bases take new writes (see {@link WriteGate}). */
    public WriteGate writeGate() {
        return writeGate;
    }

    /** The threads that write snapshots (several at once). */
    public SnapshotWriters snapshotWriters() {
        return snapshotWriters;
    }

    /**
     * The ACTIVE in-memory base, loading it if needed.
     *
     * @throws NotServedHereException   when this node does not serve the base's bucket
     * @throws BaseNotFoundException    when the base does not exist
     * @throws BaseUnavailableException when it cannot be loaded now (newer owner, capacity, storage)
     */
    public LoadedBase acquire(BaseUuid uuid) {
        long token = requireServed(uuid);
        LoadedBase base = loaded.get(uuid.value());
        if (base != null && base.state() == BaseState.ACTIVE) {
            return base;
        }
        CompletableFuture<LoadedBase> mine = new CompletableFuture<>();
        CompletableFuture<LoadedBase> existing = loading.putIfAbsent(uuid.value(), mine);
        if (existing != null) {
            return join(existing);
        }
        try {
            LoadedBase fresh = load(uuid, token);
            mine.complete(fresh);
            return fresh;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(uuid.value(), mine);
        }
    }

    /**
     * The ACTIVE in-memory base without loading it or waiting: null when it is not loaded (or not ACTIVE) now, and
     * the caller must {@link #acquire} it on a thread that may block.
     *
     * @throws NotServedHereException when this node does not serve the base's bucket
     */
    public LoadedBase active(BaseUuid uuid) {
        requireServed(uuid);
        LoadedBase base = loaded.get(uuid.value());
        return base != null && base.state() == BaseState.ACTIVE ? base : null;
    }

    private LoadedBase load(BaseUuid uuid, long token) {
        LoadedBase current = loaded.get(uuid.value());
        if (current != null && current.state() == BaseState.ACTIVE) {
            return current;
        }
        BaseRecord header = store.findHeader(uuid.value()).filter(r -> !r.deleted())
                .orElseThrow(() -> new BaseNotFoundException(uuid.value()));
        long rowsAfter = loadedRows() + header.rowCount();
        if (rowsAfter > limits.maxLoadedRows()) {
            throw new BaseUnavailableException("node " + nodeId + " is at capacity: loading " + header.rowCount()
                    + " rows would exceed max_loaded_rows " + limits.maxLoadedRows());
        }
        OptionalLong epoch = store.claim(uuid.value(), nodeId, token);
        if (epoch.isEmpty()) {
            throw new BaseUnavailableException("base " + uuid + " is held under a newer assignment; retry at the new owner");
        }
        BaseRecord record = store.find(uuid.value()).orElseThrow(() -> new BaseNotFoundException(uuid.value()));
        long started = System.nanoTime();
        Base model = readSnapshot(record);
        int replayed = replay(uuid, model);
        LoadedBase base = new LoadedBase(uuid, nodeId, epoch.getAsLong(), model, operationLog, clock, random, this::onFailed,
                laneMonitor, writeGate);
        base.transitionTo(BaseState.ACTIVE);
        if (ownership.token(uuid.bucket()) == 0) {
            // the bucket left while we were loading: do not serve it
            base.transitionTo(BaseState.CLOSED);
            throw new NotServedHereException(ownership.route(uuid.bucket()));
        }
        publish(base);
        log.info("loaded base {} at version {} ({} rows, {} ops replayed, epoch {}) in {} ms", uuid, model.version(),
                model.rowCount(), replayed, epoch.getAsLong(), (System.nanoTime() - started) / 1_000_000);
        return base;
    }

    /** Makes a loaded base reachable, or throws when its bucket left this node meanwhile. */
    private void publish(LoadedBase base) {
        if (!publishedWhileServed(base)) {
            throw new NotServedHereException(ownership.route(base.uuid().bucket()));
        }
    }

    /**
     * Puts the base in {@link #loaded} first and checks ownership after: {@link #releaseBuckets} runs after
     * ownership changed, so either it sees the base, or this check sees the bucket gone and unloads it.
     * Checking first and putting after (as before) let a release slip in between and miss the base, which
     * then stayed in memory, unreachable, until the idle unload.
     */
    private boolean publishedWhileServed(LoadedBase base) {
        beforePublish.run();
        loaded.put(base.uuid().value(), base);
        if (ownership.token(base.uuid().bucket()) != 0) {
            return true;
        }
        unload(base, "its bucket left this node while it was loading");
        return false;
    }

    private Base readSnapshot(BaseRecord record) {
        if (record.snapshot() == null) {
            return Base.empty();
        }
        // inflated on a second thread, ahead of the parse: the two overlap instead of adding up
        try (InputStream in = InflatingReader.start(record.snapshot(), record.dtableUuid())) {
            return Base.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("snapshot of " + record.dtableUuid() + " is unreadable", e);
        }
    }

    private int replay(BaseUuid uuid, Base model) {
        ContiguousReplay.Outcome outcome = ContiguousReplay.paged(model.version(), Long.MAX_VALUE, REPLAY_PAGE,
                (after, limit) -> store.readLog(uuid.value(), after, limit), ContiguousReplay.onto(model));
        if (outcome.gap()) {
            throw new IllegalStateException("operation log of " + uuid + " has a gap: expected version "
                    + (outcome.version() + 1) + " next");
        }
        return outcome.applied();
    }

    /**
     * Creates a base owned by this node (epoch 1) from {@code initial} (or the default one-table base).
     *
     * @throws BaseExistsException when the UUID is taken
     * @throws BaseUnavailableException while the {@link WriteGate} is closed (nothing written)
     */
    public LoadedBase create(BaseUuid uuid, Base initial) {
        long token = requireServed(uuid);
        writeGate.check(uuid);
        byte[] snapshot = SnapshotCodec.encode(initial);
        if (!store.create(uuid.value(), nodeId, token, snapshot, initial.version(), initial.rowCount())) {
            throw new BaseExistsException(uuid.value());
        }
        LoadedBase base = new LoadedBase(uuid, nodeId, 1, initial, operationLog, clock, random, this::onFailed,
                laneMonitor, writeGate);
        base.transitionTo(BaseState.ACTIVE);
        if (!publishedWhileServed(base)) {
            // created durably; the bucket's next owner loads it
            log.info("created base {}, but its bucket left this node meanwhile: not kept in memory", uuid);
        }
        return base;
    }

    /** Deletes a base (marks the row deleted under the epoch), tells its room, drops it. */
    public void delete(BaseUuid uuid) {
        LoadedBase base = acquire(uuid);
        base.transitionTo(BaseState.UNLOADING);
        boolean deleted = false;
        try {
            if (!store.markDeleted(uuid.value(), nodeId, base.epoch())) {
                throw new BaseUnavailableException("base " + uuid + " moved to another node");
            }
            deleted = true;
        } finally {
            closeAndDrop(base, deleted ? RoomListener::onBaseDeleted : listener -> listener.onBaseMoved(null));
        }
    }

    private long requireServed(BaseUuid uuid) {
        Route route = ownership.route(uuid.bucket());
        if (route instanceof Route.Local local) {
            return local.token();
        }
        throw new NotServedHereException(route);
    }

    /** Unloads every loaded base of the given buckets: snapshot where the epoch is still held, tell the room. */
    public void releaseBuckets(Set<Bucket> buckets, String reason) {
        releaseBuckets(buckets, reason, true);
    }

    /**
     * @param snapshot false when MySQL is known to be unreachable: a snapshot would first wait for the appends
     *                 stuck on the dead link (up to a minute per base) and then fail; the log holds every
     *                 acknowledged operation anyway, so the next owner loses nothing but replay time
     */
    public void releaseBuckets(Set<Bucket> buckets, String reason, boolean snapshot) {
        List<LoadedBase> leaving = new ArrayList<>();
        for (LoadedBase base : loaded.values()) {
            if (buckets.contains(base.uuid().bucket())) {
                leaving.add(base);
            }
        }
        if (snapshot) {
            // several at once: a move of k big bases takes about the longest snapshot, not k of them
            snapshotWriters.runAll(leaving, base -> unload(base, reason, true));
        } else {
            // on the caller's thread: never queued behind snapshots stuck on the dead link
            for (LoadedBase base : leaving) {
                unload(base, reason, false);
            }
        }
    }

    /** Snapshots (when changed) and drops a base; its room is told the base moved. */
    public void unload(LoadedBase base, String reason) {
        unload(base, reason, true);
    }

    private void unload(LoadedBase base, String reason, boolean snapshot) {
        try {
            base.transitionTo(BaseState.UNLOADING);
        } catch (IllegalStateException e) {
            return; // already leaving or failed
        }
        try {
            if (snapshot && base.dirty()) {
                saveSnapshot(base);
            }
        } finally {
            String ownerUrl = ownerUrl(base);
            closeAndDrop(base, listener -> listener.onBaseMoved(ownerUrl));
            log.info("unloaded base {} at version {}: {}", base.uuid(), base.durableVersion(), reason);
        }
    }

    /** Writes a snapshot if the epoch is still held; returns whether it was written. */
    public boolean saveSnapshot(LoadedBase base) {
        LoadedBase.Snapshot snapshot = base.snapshot();
        if (snapshot == null) {
            return false;
        }
        try {
            boolean saved = store.saveSnapshot(base.uuid().value(), nodeId, base.epoch(), snapshot.version(),
                    snapshot.gzipJson(), snapshot.rowCount());
            if (!saved) {
                log.info("snapshot of {} at version {} not written: fenced or newer snapshot present", base.uuid(),
                        snapshot.version());
                base.snapshotFailed(snapshot);
            }
            return saved;
        } catch (StorageException e) {
            log.warn("snapshot of {} failed: {}", base.uuid(), e.getMessage());
            base.snapshotFailed(snapshot);
            return false;
        }
    }

    private void closeAndDrop(LoadedBase base, Consumer<RoomListener> tell) {
        loaded.remove(base.uuid().value(), base);
        if (base.state() != BaseState.FAILED && base.state() != BaseState.CLOSED) {
            base.transitionTo(BaseState.CLOSED);
        }
        for (RoomListener listener : base.room()) {
            tell.accept(listener);
        }
    }

    /** An append of {@code base} failed (fenced or storage error): its memory may be ahead of the log, drop it now. */
    private void onFailed(LoadedBase base) {
        log.warn("dropped base {} after a failed append (epoch {})", base.uuid(), base.epoch());
        String ownerUrl = ownerUrl(base);
        closeAndDrop(base, listener -> listener.onBaseMoved(ownerUrl));
    }

    /** The node_url of the node the map names for the base's bucket, or null when it is this node or nobody. */
    private String ownerUrl(LoadedBase base) {
        return ownership.route(base.uuid().bucket()) instanceof Route.Remote remote ? remote.owner().nodeUrl() : null;
    }

    public Optional<LoadedBase> get(BaseUuid uuid) {
        return Optional.ofNullable(loaded.get(uuid.value()));
    }

    public Collection<LoadedBase> loadedBases() {
        return List.copyOf(loaded.values());
    }

    public long loadedRows() {
        long rows = 0;
        for (LoadedBase base : loaded.values()) {
            rows += base.rowCount();
        }
        return rows;
    }

    /** Snapshots every loaded base and drops it (graceful shutdown). */
    public void unloadAll(String reason) {
        snapshotWriters.runAll(loadedBases(), base -> unload(base, reason));
    }

    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }
}
