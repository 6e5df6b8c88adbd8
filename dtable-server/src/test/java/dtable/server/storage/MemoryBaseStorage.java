package dtable.server.storage;

import dtable.model.stored.LoggedOperation;
import dtable.storage.StorageException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code dtables} rows and {@code operation_log} in memory, with MySQL's rules: the claim bumps the
 * epoch under a token not older than the row's, snapshots and deletions need the current epoch, and as
 * a {@link ManualOperationLog.Database} an append commits only while its row names its node and epoch
 * (the epoch check {@code LogWriter} does in its transaction). A duplicate version is refused as the
 * primary key would refuse it. {@link #down(boolean)} makes every call fail as an unreachable database.
 *
 * <p>Thread-safe (one monitor), so several simulated nodes and their snapshot threads can share it.
 */
public final class MemoryBaseStorage implements BaseStorage, ManualOperationLog.Database {

    /**
     * One logged operation, who committed it under which epoch, and the row's owner and epoch at that
     * moment (S1: they must be the committer's).
     */
    public record Entry(LoggedOperation operation, String node, long epoch, String rowOwner, long rowEpoch) {
    }

    private final Map<String, BaseRecord> rows = new HashMap<>();
    private final Map<String, List<Entry>> logs = new HashMap<>();
    private boolean down;

    /** While down, every call throws {@link StorageException} and nothing changes. */
    public synchronized void down(boolean down) {
        this.down = down;
    }

    private void requireUp(String what) {
        if (down) {
            throw new StorageException(what + ": database unreachable (test)", null);
        }
    }

    @Override
    public synchronized Optional<BaseRecord> find(String uuid) {
        requireUp("find");
        return Optional.ofNullable(rows.get(uuid));
    }

    @Override
    public synchronized Optional<BaseRecord> findHeader(String uuid) {
        requireUp("find");
        return Optional.ofNullable(rows.get(uuid)).map(r -> new BaseRecord(r.dtableUuid(), r.ownerNode(), r.ownerEpoch(),
                r.assignRev(), null, r.snapshotVersion(), r.rowCount(), r.deleted()));
    }

    @Override
    public synchronized boolean create(String uuid, String node, long assignRev, byte[] snapshot, long version,
            int rowCount) {
        requireUp("create");
        if (rows.containsKey(uuid)) {
            return false;
        }
        rows.put(uuid, new BaseRecord(uuid, node, 1, assignRev, snapshot, version, rowCount, false));
        return true;
    }

    @Override
    public synchronized OptionalLong claim(String uuid, String node, long assignRev) {
        requireUp("claim");
        BaseRecord r = rows.get(uuid);
        if (r == null || r.deleted() || r.assignRev() > assignRev) {
            return OptionalLong.empty();
        }
        rows.put(uuid, new BaseRecord(uuid, node, r.ownerEpoch() + 1, assignRev, r.snapshot(), r.snapshotVersion(),
                r.rowCount(), false));
        return OptionalLong.of(r.ownerEpoch() + 1);
    }

    @Override
    public synchronized boolean saveSnapshot(String uuid, String node, long epoch, long version, byte[] snapshot,
            int rowCount) {
        requireUp("snapshot");
        BaseRecord r = rows.get(uuid);
        if (!holds(r, node, epoch) || r.snapshotVersion() > version) {
            return false;
        }
        rows.put(uuid, new BaseRecord(uuid, node, epoch, r.assignRev(), snapshot, version, rowCount, false));
        return true;
    }

    @Override
    public synchronized boolean markDeleted(String uuid, String node, long epoch) {
        requireUp("delete");
        BaseRecord r = rows.get(uuid);
        if (!holds(r, node, epoch)) {
            return false;
        }
        rows.put(uuid, new BaseRecord(uuid, node, epoch, r.assignRev(), null, r.snapshotVersion(), r.rowCount(), true));
        return true;
    }

    @Override
    public synchronized List<LoggedOperation> readLog(String uuid, long afterVersion, int limit) {
        requireUp("read log");
        List<LoggedOperation> out = new ArrayList<>();
        for (Entry e : logs.getOrDefault(uuid, List.of())) {
            if (e.operation().version() > afterVersion && out.size() < limit) {
                out.add(e.operation());
            }
        }
        return out;
    }

    @Override
    public synchronized boolean commit(OperationLog.Append a) {
        requireUp("append");
        BaseRecord r = rows.get(a.dtableUuid());
        if (!holds(r, a.nodeId(), a.epoch())) {
            return false;
        }
        List<Entry> log = logs.computeIfAbsent(a.dtableUuid(), k -> new ArrayList<>());
        if (log.stream().anyMatch(e -> e.operation().version() == a.version())) {
            throw new StorageException("duplicate entry for " + a.dtableUuid() + " version " + a.version(), null);
        }
        log.add(new Entry(new LoggedOperation(a.version(), a.opTime(), a.author(), a.app(), a.operation()), a.nodeId(),
                a.epoch(), r.ownerNode(), r.ownerEpoch()));
        return true;
    }

    private static boolean holds(BaseRecord r, String node, long epoch) {
        return r != null && !r.deleted() && node.equals(r.ownerNode()) && r.ownerEpoch() == epoch;
    }

    /** The row as it is now. */
    public synchronized Optional<BaseRecord> row(String uuid) {
        return Optional.ofNullable(rows.get(uuid));
    }

    /** The base's log in commit order, with who committed each entry. */
    public synchronized List<Entry> log(String uuid) {
        return List.copyOf(logs.getOrDefault(uuid, List.of()));
    }
}
