package dtable.slave.cache;

import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import dtable.model.Operation;
import dtable.model.stored.LoggedOperation;
import dtable.model.stored.SnapshotCodec;
import dtable.slave.OwnerModel;
import dtable.storage.LogTail;
import dtable.storage.OperationLogReader;
import dtable.storage.SnapshotReader;
import dtable.storage.StoredSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake of what the slave reads from MySQL, played by a fake owner: bases with snapshots and an
 * operation log, written through the real model. Counts the slave's queries. Thread-safe per base
 * when one thread writes a base (as the owner's lane does). {@link #loader()} reads it through the
 * slave's real {@link BaseLoader}.
 */
final class InMemoryLog {

    private static final class Stored {
        volatile byte[] snapshot;
        volatile long snapshotVersion;
        volatile boolean deleted;
        final NavigableMap<Long, String> log = new ConcurrentSkipListMap<>();
        final Base owner;

        Stored(Base owner) {
            this.owner = owner;
        }
    }

    private final Map<String, Stored> bases = new ConcurrentHashMap<>();
    final AtomicInteger snapshotReads = new AtomicInteger();
    final AtomicInteger tailReads = new AtomicInteger();

    /** A loader whose snapshot and log readers are this in-memory store. */
    BaseLoader loader() {
        return new BaseLoader(new SnapshotReader(null) {
            @Override
            public Optional<StoredSnapshot> read(String uuid) {
                return readSnapshot(uuid);
            }
        }, new OperationLogReader(null) {
            @Override
            public LogTail tail(String uuid, long afterVersion) {
                return InMemoryLog.this.tail(uuid, afterVersion);
            }
        });
    }

    /** A new base with {@code rows} synthetic rows in Table1 (column "Name" among others), snapshotted at version 0. */
    BaseUuid create(int rows) {
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        Stored stored = new Stored(OwnerModel.synthetic(uuid, rows));
        stored.snapshot = SnapshotCodec.encode(stored.owner);
        bases.put(uuid.value(), stored);
        return uuid;
    }

    /** The owner appends one row and logs it; returns the new version. */
    long appendRow(BaseUuid uuid, String name) {
        Stored stored = bases.get(uuid.value());
        Base base = stored.owner;
        Operation op = OwnerModel.appendRow(base, name);
        base.apply(op);
        stored.log.put(base.version(), op.toJsonString());
        return base.version();
    }

    /** The owner writes a snapshot at its current version. */
    void snapshot(BaseUuid uuid) {
        Stored stored = bases.get(uuid.value());
        stored.snapshot = SnapshotCodec.encode(stored.owner);
        stored.snapshotVersion = stored.owner.version();
    }

    /** Retention: deletes log rows up to the snapshot version. */
    void purge(BaseUuid uuid) {
        Stored stored = bases.get(uuid.value());
        stored.log.headMap(stored.snapshotVersion, true).clear();
    }

    void delete(BaseUuid uuid) {
        bases.get(uuid.value()).deleted = true;
    }

    Base owner(BaseUuid uuid) {
        return bases.get(uuid.value()).owner;
    }

    Optional<StoredSnapshot> readSnapshot(String uuid) {
        snapshotReads.incrementAndGet();
        Stored stored = bases.get(uuid);
        return stored == null ? Optional.empty()
                : Optional.of(new StoredSnapshot(uuid, stored.snapshot, stored.snapshotVersion, stored.deleted));
    }

    LogTail tail(String uuid, long afterVersion) {
        tailReads.incrementAndGet();
        Stored stored = bases.get(uuid);
        if (stored == null) {
            return LogTail.missing();
        }
        List<LoggedOperation> ops = new ArrayList<>();
        stored.log.tailMap(afterVersion, false).forEach((version, op) -> ops.add(new LoggedOperation(version, 0, "owner", null, op)));
        return new LogTail(true, stored.snapshotVersion, stored.deleted, ops);
    }
}
