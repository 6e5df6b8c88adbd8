package dtable.slave.cache;

import dtable.core.error.BaseUnavailableException;
import dtable.core.error.BaseNotFoundException;
import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * One base in the slave's memory, with its lane: loading, catching up and every read of this base run
 * under {@link #lane}, one at a time, so a read never sees a half-applied catch-up (STYLE: one lane
 * per base, no locks inside the model). Different bases have different lanes and run in parallel.
 *
 * <p>Fields: {@code model} is guarded by {@code lane}; {@code rows} and {@code version} are written
 * under {@code lane} and volatile for lock-free peeks; {@code evicted} and {@code accountedRows} are
 * written under the {@link BaseCache}'s monitor ({@code evicted} is volatile: the lane reads it).
 */
final class CachedBase {

    private final BaseUuid uuid;
    private final BaseLoader loader;
    private final ReentrantLock lane = new ReentrantLock();

    /** Lane. Null until loaded, and again after a replay failure (the next read reloads). */
    private Base model;
    private volatile boolean held;
    private volatile int rows;
    private volatile long version;
    /** Cache monitor. Once true the entry is out of the cache; a reader that finds it so starts over. */
    volatile boolean evicted;
    /** Cache monitor: the rows this entry counts for in the cache's total. */
    long accountedRows;

    CachedBase(BaseUuid uuid, BaseLoader loader) {
        this.uuid = uuid;
        this.loader = loader;
    }

    /** Outcome of one {@link #read}: the reading, and whether the base had to be (re)loaded from its snapshot. */
    record Outcome<R>(Reading<R> reading, boolean loaded) {
    }

    /**
     * Runs {@code reader} on the base at {@code level}: loads it if not held, catches up first for
     * {@link ReadLevel#DEFAULT} (reloading from the snapshot when the log has a gap).
     *
     * @return null when the entry was evicted before the lane was ours (the caller takes a fresh entry)
     * @throws BaseNotFoundException    when the base is gone
     * @throws BaseUnavailableException when the log does not replay (the model is dropped)
     */
    <R> Outcome<R> read(ReadLevel level, Function<Base, R> reader) {
        lane.lock();
        try {
            if (evicted) {
                return null;
            }
            boolean loaded = false;
            try {
                if (model == null) {
                    model = loader.load(uuid);
                    loaded = true;
                } else if (level == ReadLevel.DEFAULT) {
                    loaded = catchUp();
                }
            } catch (BaseUnavailableException e) {
                model = null; // the model may be part-way through a replay that cannot finish: never serve it
                rows = 0;
                throw e;
            } finally {
                held = model != null;
                if (model != null) {
                    rows = model.rowCount();
                    version = model.version();
                }
            }
            R value = reader.apply(model);
            return new Outcome<>(new Reading<>(value, model.version(), level), loaded);
        } finally {
            lane.unlock();
        }
    }

    /** Lane. Returns true when the base was rebuilt from its snapshot. */
    private boolean catchUp() {
        return switch (loader.catchUp(uuid, model)) {
            case CAUGHT_UP -> false;
            case GONE -> {
                model = null;
                throw new BaseNotFoundException(uuid.value());
            }
            case GAP -> {
                model = loader.load(uuid);
                yield true;
            }
        };
    }

    BaseUuid uuid() {
        return uuid;
    }

    /** Whether a model is held (false before the first load and after a failure); a lock-free peek. */
    boolean held() {
        return held;
    }

    /** Rows of the held model as of the last read; a lock-free peek. */
    int rows() {
        return rows;
    }

    /** Version of the held model as of the last read; a lock-free peek. */
    long version() {
        return version;
    }
}
