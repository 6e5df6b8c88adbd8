package dtable.slave.cache;

import dtable.core.error.BaseUnavailableException;
import dtable.core.error.BaseNotFoundException;
import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import dtable.model.stored.ContiguousReplay;
import dtable.model.stored.SnapshotCodec;
import dtable.storage.LogTail;
import dtable.storage.OperationLogReader;
import dtable.storage.SnapshotReader;
import dtable.storage.StoredSnapshot;
import java.io.UncheckedIOException;

/**
 * Builds a base from MySQL the way its owner does (snapshot, then every logged operation after it,
 * strictly version + 1 each), and brings a held base up to the log.
 *
 * <p>Gaps: the owner purges log rows that a newer snapshot covers. If the operations right after a
 * held version are gone, the stored snapshot is newer than that version; then the base must be
 * rebuilt from the snapshot ({@link CatchUp#GAP}). A hole above the snapshot version is an append
 * still in flight (not yet acknowledged): the contiguous prefix is applied and the rest waits for
 * the next read.
 *
 * <p>Stateless and thread-safe; the {@link Base} passed in belongs to the caller's lane. It only reads, and
 * the slave's pool is read-only too, so MySQL itself refuses a stray write.
 *
 * @param snapshots the stored snapshots ({@code dtable_snapshots})
 * @param log       the stored operations ({@code operation_log})
 */
public record BaseLoader(SnapshotReader snapshots, OperationLogReader log) {

    /** What a catch-up found. */
    public enum CatchUp {
        /** The base now holds every committed operation the query saw. */
        CAUGHT_UP,
        /** Operations the base needs were purged: rebuild it from the snapshot. */
        GAP,
        /** The base was deleted (or its row is gone). */
        GONE
    }

    private static final int LOAD_ATTEMPTS = 3;

    /**
     * The base at the newest committed version: snapshot plus the log after it.
     *
     * @throws BaseNotFoundException    when the base does not exist or was deleted
     * @throws BaseUnavailableException when its log does not replay, or newer snapshots kept purging
     *                                  the rows between the two reads
     * @throws dtable.storage.StorageException when MySQL does not answer
     */
    public Base load(BaseUuid uuid) {
        for (int attempt = 1; attempt <= LOAD_ATTEMPTS; attempt++) {
            StoredSnapshot snapshot = snapshots.read(uuid.value()).filter(s -> !s.deleted())
                    .orElseThrow(() -> new BaseNotFoundException(uuid.value()));
            Base base = decode(snapshot);
            switch (catchUp(uuid, base)) {
                case CAUGHT_UP -> {
                    return base;
                }
                case GONE -> throw new BaseNotFoundException(uuid.value());
                case GAP -> {
                    // a newer snapshot was written and the log under it purged between our two reads: start over
                }
            }
        }
        throw new BaseUnavailableException("base " + uuid + " kept changing while loading; retry", null);
    }

    /**
     * Applies every logged operation after {@code base.version()} that directly follows it, with one query.
     *
     * @throws BaseUnavailableException when a logged operation does not replay (the base must be dropped)
     */
    public CatchUp catchUp(BaseUuid uuid, Base base) {
        return apply(uuid, base, log.tail(uuid.value(), base.version()));
    }

    static CatchUp apply(BaseUuid uuid, Base base, LogTail tail) {
        if (!tail.exists() || tail.deleted()) {
            return CatchUp.GONE;
        }
        // stops at a hole: purged below the snapshot (checked next) or an append still in flight
        ContiguousReplay.Step<RuntimeException> replay = ContiguousReplay.onto(base);
        ContiguousReplay.prefix(base.version(), Long.MAX_VALUE, tail.operations(), op -> {
            try {
                replay.accept(op);
            } catch (RuntimeException e) {
                throw new BaseUnavailableException("operation " + op.version() + " of " + uuid
                        + " does not replay on version " + base.version() + ": " + e.getMessage(), e);
            }
        });
        return tail.snapshotVersion() > base.version() ? CatchUp.GAP : CatchUp.CAUGHT_UP;
    }

    static Base decode(StoredSnapshot snapshot) {
        try {
            return SnapshotCodec.decode(snapshot.gzipJson(), snapshot.dtableUuid());
        } catch (UncheckedIOException e) {
            throw new BaseUnavailableException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new BaseUnavailableException("snapshot of " + snapshot.dtableUuid() + " does not parse: "
                    + e.getMessage(), e);
        }
    }
}
