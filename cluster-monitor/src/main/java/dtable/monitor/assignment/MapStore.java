package dtable.monitor.assignment;

import dtable.core.bucket.Bucket;
import dtable.core.etcd.LeaderGuard;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The guarded writes the leader makes (SPEC §3): {@code assign/{xx}} and {@code draining/{node}} keys,
 * each transaction conditioned on the leader's election key still having the guard's create revision.
 * Implemented over etcd by {@link EtcdMapStore} and over the fake etcd by the simulation.
 *
 * <p>Implementations are called from one thread at a time (the decider thread).
 */
public interface MapStore {

    /**
     * Writes the new owners of the changed buckets (only those; never an unchanged key).
     *
     * @return the etcd revision at which the write is visible, or empty when the guard failed (deposed)
     * @throws RuntimeException when etcd cannot be reached; nothing or a guarded prefix may have been written
     */
    OptionalLong writeAssignments(Map<Bucket, String> changes, LeaderGuard guard);

    /**
     * Marks or unmarks a node as draining ({@code draining/{node}} = {@code sinceJson}, no lease; removed on undrain).
     *
     * @return the etcd revision after the write, or empty when the guard failed
     */
    OptionalLong setDraining(String nodeId, boolean draining, String sinceJson, LeaderGuard guard);
}
