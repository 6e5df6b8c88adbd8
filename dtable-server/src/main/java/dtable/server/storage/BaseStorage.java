package dtable.server.storage;

import dtable.model.stored.LoggedOperation;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a node's base registry needs of the {@code dtables} rows and the log reader: the fenced claim,
 * creation, snapshots, deletion and the reads a load replays (SPEC §5). {@link BaseStore} (MySQL) in
 * production; an in-memory table in unit tests and the node simulation, which shares it with a manual
 * {@link OperationLog} so that appends are fenced by the same rows the claims bump.
 *
 * <p>Implementations are thread-safe.
 */
public interface BaseStorage {

    /** The whole row, with the snapshot. */
    Optional<BaseRecord> find(String uuid);

    /** The row without the snapshot blob (cheap). */
    Optional<BaseRecord> findHeader(String uuid);

    /**
     * Inserts a new base owned by {@code node} at epoch 1. Returns false when a row with that UUID
     * exists already (also a deleted one: UUIDs are never reused).
     */
    boolean create(String uuid, String node, long assignRev, byte[] snapshot, long version, int rowCount);

    /**
     * The ownership claim of SPEC §5: bumps {@code owner_epoch} when no node holds a newer assignment token.
     * Returns the new epoch, or empty when the base is missing, deleted, or claimed under a newer token.
     */
    OptionalLong claim(String uuid, String node, long assignRev);

    /** Stores a snapshot if this node still holds {@code epoch} and it is not older than the stored one. */
    boolean saveSnapshot(String uuid, String node, long epoch, long version, byte[] snapshot, int rowCount);

    /** Marks a base deleted if this node still holds {@code epoch}; false when fenced. */
    boolean markDeleted(String uuid, String node, long epoch);

    /** Operations with version > {@code afterVersion}, in version order, at most {@code limit}. */
    List<LoggedOperation> readLog(String uuid, long afterVersion, int limit);
}
