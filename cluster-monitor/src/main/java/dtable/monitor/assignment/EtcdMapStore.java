package dtable.monitor.assignment;

import dtable.core.bucket.Bucket;
import dtable.core.etcd.AssignmentStore;
import dtable.core.etcd.LeaderGuard;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@link MapStore} over cluster-core's {@link AssignmentStore}, which owns the guarded, chunked
 * transactions and returns the revision of the last one; also the namespace's newest revision,
 * which a new term waits for before its first decision.
 */
public record EtcdMapStore(AssignmentStore store) implements MapStore, dtable.monitor.generation.EtcdGenerationStore {

    @Override
    public OptionalLong writeAssignments(Map<Bucket, String> changes, LeaderGuard guard) {
        return store.writeAssignments(changes, guard);
    }

    @Override
    public OptionalLong setDraining(String nodeId, boolean draining, String sinceJson, LeaderGuard guard) {
        return store.setDraining(nodeId, draining, sinceJson, guard);
    }

    @Override
    public Reading readGeneration() {
        long[] reading = store.readGeneration();
        return new Reading(reading[0], reading[1], reading[2]);
    }

    @Override
    public OptionalLong writeGeneration(long generation, LeaderGuard guard) {
        return store.writeGeneration(generation, guard);
    }

    /** {@link AssignmentStore#readNamespaceRevision()}. */
    public long namespaceRevision() {
        return store.readNamespaceRevision();
    }
}
