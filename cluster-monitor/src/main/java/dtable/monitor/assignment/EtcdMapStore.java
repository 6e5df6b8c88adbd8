package dtable.monitor.assignment;

import dtable.core.bucket.Bucket;
import dtable.core.etcd.AssignmentStore;
import dtable.core.etcd.LeaderGuard;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * {@link MapStore} over cluster-core's {@link AssignmentStore} (which owns the guarded transactions).
 * The revision after a successful write is the header revision of a read made right after it: at or
 * past the write, which is what waiting for the watcher needs.
 */
public final class EtcdMapStore implements MapStore {

    private final AssignmentStore store;
    private final Client client;
    private final ByteSequence probeKey;

    public EtcdMapStore(AssignmentStore store, Client client, String probeKey) {
        this.store = store;
        this.client = client;
        this.probeKey = ByteSequence.from(probeKey, StandardCharsets.UTF_8);
    }

    @Override
    public OptionalLong writeAssignments(Map<Bucket, String> changes, LeaderGuard guard) {
        return store.writeAssignments(changes, guard) ? OptionalLong.of(headRevision()) : OptionalLong.empty();
    }

    @Override
    public OptionalLong setDraining(String nodeId, boolean draining, String sinceJson, LeaderGuard guard) {
        return store.setDraining(nodeId, draining, sinceJson, guard) ? OptionalLong.of(headRevision())
                : OptionalLong.empty();
    }

    /** The etcd head revision, read with one serializable-free (linearizable) get. */
    public long headRevision() {
        try {
            return client.getKVClient().get(probeKey).get(5, TimeUnit.SECONDS).getHeader().getRevision();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the etcd revision: " + e, e);
        }
    }
}
