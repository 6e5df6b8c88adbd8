package dtable.monitor.assignment;

import dtable.core.bucket.Bucket;
import dtable.core.etcd.AssignmentStore;
import dtable.core.etcd.EtcdUnavailableException;
import dtable.core.etcd.LeaderGuard;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * {@link MapStore} over cluster-core's {@link AssignmentStore}, which owns the guarded, chunked
 * transactions and returns the revision of the last one. Adds the namespace's newest revision,
 * which a new term waits for before its first decision.
 */
public final class EtcdMapStore implements MapStore, dtable.monitor.generation.EtcdGenerationStore {

    private final AssignmentStore store;
    private final Client client;
    private final ByteSequence namespace;

    public EtcdMapStore(AssignmentStore store, Client client, String namespace) {
        this.store = store;
        this.client = client;
        this.namespace = ByteSequence.from(namespace, StandardCharsets.UTF_8);
    }

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

    /**
     * The highest mod revision among the namespace's keys: the watcher (which only advances on changes
     * inside the namespace) reaches it once it has every put made so far, in particular every
     * {@code assign/} write of an earlier leader. etcd's head revision would not do: it also counts
     * writes outside the namespace, which the watcher never sees.
     */
    public long namespaceRevision() {
        try {
            GetResponse response = client.getKVClient().get(namespace, GetOption.builder().isPrefix(true)
                    .withKeysOnly(true).withSortField(GetOption.SortTarget.MOD).withSortOrder(GetOption.SortOrder.DESCEND)
                    .withLimit(1).build()).get(5, TimeUnit.SECONDS);
            return response.getKvs().isEmpty() ? 0 : response.getKvs().get(0).getModRevision();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EtcdUnavailableException("interrupted while reading the namespace revision", e);
        } catch (Exception e) {
            throw new EtcdUnavailableException("cannot read the namespace revision: " + e, e);
        }
    }
}
