package dtable.slave.cache;

import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import dtable.model.Operation;
import dtable.model.OperationContext;
import dtable.model.SyntheticBase;
import dtable.model.rest.RestCommands;
import dtable.slave.storage.LogTail;
import dtable.slave.storage.LoggedOperation;
import dtable.slave.storage.ReadOnlyStore;
import dtable.slave.storage.StoredSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fake of what the slave reads from MySQL, played by a fake owner: bases with snapshots and an
 * operation log, written through the real model. Counts the slave's queries. Thread-safe per base
 * when one thread writes a base (as the owner's lane does).
 */
final class InMemoryLog extends ReadOnlyStore {

    private static final JsonMapper JSON = JsonMapper.builder().build();

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

    InMemoryLog() {
        super(null);
    }

    /** A new base with {@code rows} synthetic rows in Table1 (column "Name" among others), snapshotted at version 0. */
    BaseUuid create(int rows) {
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        SyntheticBase.write(json, rows, uuid.hashCode());
        Stored stored = new Stored(Base.read(new java.io.ByteArrayInputStream(json.toByteArray())));
        stored.snapshot = gzip(stored.owner);
        bases.put(uuid.value(), stored);
        return uuid;
    }

    /** The owner appends one row and logs it; returns the new version. */
    long appendRow(BaseUuid uuid, String name) {
        Stored stored = bases.get(uuid.value());
        Base base = stored.owner;
        ObjectNode body = JSON.createObjectNode().put("table_name", "Table1");
        body.putObject("row").put("Name", name);
        Operation op = base.prepare(RestCommands.appendRow(base, body), OperationContext.of(Clock.systemUTC(), "test"));
        base.apply(op);
        stored.log.put(base.version(), op.toJsonString());
        return base.version();
    }

    /** The owner writes a snapshot at its current version. */
    void snapshot(BaseUuid uuid) {
        Stored stored = bases.get(uuid.value());
        stored.snapshot = gzip(stored.owner);
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

    @Override
    public Optional<StoredSnapshot> snapshot(String uuid) {
        snapshotReads.incrementAndGet();
        Stored stored = bases.get(uuid);
        return stored == null ? Optional.empty()
                : Optional.of(new StoredSnapshot(uuid, stored.snapshot, stored.snapshotVersion, stored.deleted));
    }

    @Override
    public LogTail tail(String uuid, long afterVersion) {
        tailReads.incrementAndGet();
        Stored stored = bases.get(uuid);
        if (stored == null) {
            return LogTail.missing();
        }
        List<LoggedOperation> ops = new ArrayList<>();
        stored.log.tailMap(afterVersion, false).forEach((version, op) -> ops.add(new LoggedOperation(version, op)));
        return new LogTail(true, stored.snapshotVersion, stored.deleted, ops);
    }

    static byte[] gzip(Base base) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            base.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
