package dtable.server.base;

import dtable.server.storage.BaseStore;
import dtable.storage.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background work on loaded bases (SPEC §5): snapshots of changed bases every
 * {@code save_interval_seconds} and after {@code snapshot_every_ops} operations (or as many operations
 * as the base has rows, when that is more), unloading of idle
 * bases without sockets after {@code idle_unload_seconds}, and operation-log retention.
 *
 * <p>Runs on one scheduler thread; the snapshots a round finds due run side by side on the
 * registry's {@link SnapshotWriters}, and the round waits for them.
 */
public final class BaseMaintenance implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BaseMaintenance.class);

    /** Intervals and thresholds; see the config keys of the same names. */
    public record Settings(Duration saveInterval, int snapshotEveryOps, Duration idleUnload, Duration logRetention) {
    }

    private final BaseRegistry registry;
    private final BaseStore store;
    private final Clock clock;
    private final Settings settings;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("base-maintenance").daemon(true).factory());
    private long lastFullSave;

    public BaseMaintenance(BaseRegistry registry, BaseStore store, Clock clock, Settings settings) {
        this.registry = registry;
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.lastFullSave = clock.millis();
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(this::purgeLog, 1, 60, TimeUnit.MINUTES);
    }

    /** One round: snapshots due by op count or interval, idle unloads. Public for tests. */
    public void tick() {
        try {
            long now = clock.millis();
            boolean intervalDue = now - lastFullSave >= settings.saveInterval().toMillis();
            List<LoadedBase> due = new ArrayList<>();
            List<LoadedBase> idleBases = new ArrayList<>();
            for (LoadedBase base : registry.loadedBases()) {
                if (base.state() != BaseState.ACTIVE) {
                    continue;
                }
                boolean idle = base.room().isEmpty() && now - base.lastAccessMillis() >= settings.idleUnload().toMillis();
                if (idle) {
                    idleBases.add(base);
                } else if (base.dirty() && (intervalDue || snapshotDue(base.opsSinceSnapshot(), base.rowCount()))) {
                    due.add(base);
                }
            }
            registry.snapshotWriters().runAll(due, registry::saveSnapshot);
            String idleReason = "idle for " + settings.idleUnload().toSeconds() + " s";
            registry.snapshotWriters().runAll(idleBases, base -> registry.unload(base, idleReason));
            if (intervalDue) {
                lastFullSave = now;
            }
        } catch (RuntimeException e) {
            log.warn("maintenance round failed: {}", e.toString());
        }
    }

    /**
     * A base is snapshotted after {@code snapshot_every_ops} operations, or after as many operations as
     * it has rows when that is more: a snapshot costs time proportional to the base, so this keeps its
     * cost per operation bounded (a 100,000-row base under a steady stream of inserts was otherwise
     * re-serialised every 1,000 of them), while a load still replays at most about one base's worth
     * of log.
     */
    boolean snapshotDue(int opsSinceSnapshot, int rowCount) {
        return opsSinceSnapshot >= Math.max(settings.snapshotEveryOps(), rowCount);
    }

    /** Deletes log rows covered by snapshots and older than the retention period. */
    public int purgeLog() {
        try {
            int deleted = store.purgeLog(clock.millis() - settings.logRetention().toMillis());
            if (deleted > 0) {
                log.info("operation log retention: deleted {} rows", deleted);
            }
            return deleted;
        } catch (StorageException e) {
            log.warn("operation log retention failed: {}", e.getMessage());
            return 0;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
