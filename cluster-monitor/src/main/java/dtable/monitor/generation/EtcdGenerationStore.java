package dtable.monitor.generation;

import dtable.core.etcd.LeaderGuard;
import java.util.OptionalLong;

/** etcd's side of the cluster generation: {@code {ns}generation}, read with etcd's head revision, and its guarded write. */
public interface EtcdGenerationStore {

    /**
     * What etcd holds now: the generation key (0 when absent), the header revision of that read, and the highest
     * mod revision of an {@code assign/} key (every token etcd's current history handed out is at most that).
     */
    record Reading(long generation, long headRevision, long assignRevision) {
        public Reading(long generation, long headRevision) {
            this(generation, headRevision, headRevision);
        }
    }

    /** One linearizable read. @throws RuntimeException when etcd cannot be reached */
    Reading readGeneration();

    /** Writes the key guarded by the leader's election key; empty when the guard failed (deposed). */
    OptionalLong writeGeneration(long generation, LeaderGuard guard);
}
