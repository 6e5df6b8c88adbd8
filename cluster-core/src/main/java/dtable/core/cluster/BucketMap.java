package dtable.core.cluster;

import dtable.core.bucket.Bucket;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable snapshot of the cluster as etcd last showed it: who owns each bucket (with the
 * mod revision of its {@code assign/} key, which with the cluster {@link #generation()} makes the
 * owner's assignment token), the live nodes, the draining nodes and the live slaves, at etcd revision
 * {@link #revision()} of the watcher's {@link #incarnation()}-th view of etcd.
 *
 * <p>Snapshots are ordered by (incarnation, revision): the incarnation counts how often the watcher
 * found etcd replaced (wiped, or restored from an older snapshot), after which revisions restart lower.
 *
 * <p>Built by the watcher and swapped atomically (volatile reference); readers never lock.
 * Use {@link Builder} (from {@link #toBuilder()}) to derive the next snapshot.
 */
public final class BucketMap {

    private static final BucketMap EMPTY = new Builder().build();

    private final String[] owners;
    private final long[] tokens;
    private final Map<String, NodeInfo> nodes;
    private final Set<String> draining;
    private final Map<String, SlaveInfo> slaves;
    private final long revision;
    private final long generation;
    private final long incarnation;

    private BucketMap(Builder b) {
        this.owners = b.owners.clone();
        this.tokens = b.tokens.clone();
        this.nodes = Collections.unmodifiableMap(new TreeMap<>(b.nodes));
        this.draining = Collections.unmodifiableSet(new TreeSet<>(b.draining));
        this.slaves = Collections.unmodifiableMap(new TreeMap<>(b.slaves));
        this.revision = b.revision;
        this.generation = b.generation;
        this.incarnation = b.incarnation;
    }

    public static BucketMap empty() {
        return EMPTY;
    }

    /** The owning node id of a bucket, or null when unassigned. */
    public String owner(Bucket bucket) {
        return owners[bucket.index()];
    }

    /**
     * The owner's assignment token: {@link FencingToken#of}(generation, mod revision of {@code assign/{xx}})
     * (0 when unassigned). Without a generation key (generation 0) it is the bare mod revision.
     */
    public long token(Bucket bucket) {
        long modRevision = tokens[bucket.index()];
        return modRevision == 0 ? 0 : FencingToken.of(generation, modRevision);
    }

    /** The mod revision of {@code assign/{xx}} (0 when unassigned). */
    public long modRevision(Bucket bucket) {
        return tokens[bucket.index()];
    }

    /** The cluster generation of {@code {ns}generation}; 0 when etcd has no such key (yet). */
    public long generation() {
        return generation;
    }

    /** How many times the watcher that built this snapshot found etcd replaced; 0 for the first etcd it saw. */
    public long incarnation() {
        return incarnation;
    }

    /** True when this snapshot comes after {@code other} in the watcher's order (incarnation, then revision). */
    public boolean isNewerThan(BucketMap other) {
        return incarnation != other.incarnation ? incarnation > other.incarnation : revision > other.revision;
    }

    /** The owner's registration, or null when the bucket is unassigned or its owner is not live. */
    public NodeInfo ownerInfo(Bucket bucket) {
        String owner = owners[bucket.index()];
        return owner == null ? null : nodes.get(owner);
    }

    /** Bucket → owner for every assigned bucket, in bucket order. */
    public Map<Bucket, String> assignment() {
        Map<Bucket, String> map = new LinkedHashMap<>();
        for (Bucket bucket : Bucket.all()) {
            if (owners[bucket.index()] != null) {
                map.put(bucket, owners[bucket.index()]);
            }
        }
        return map;
    }

    /** Buckets owned by {@code nodeId}, in order. */
    public Set<Bucket> bucketsOf(String nodeId) {
        Set<Bucket> set = new TreeSet<>();
        for (Bucket bucket : Bucket.all()) {
            if (nodeId.equals(owners[bucket.index()])) {
                set.add(bucket);
            }
        }
        return set;
    }

    /** Live nodes (those with a registration key) by id. */
    public Map<String, NodeInfo> nodes() {
        return nodes;
    }

    public Set<String> draining() {
        return draining;
    }

    public Map<String, SlaveInfo> slaves() {
        return slaves;
    }

    /** The etcd revision this snapshot reflects. */
    public long revision() {
        return revision;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.owners = owners.clone();
        b.tokens = tokens.clone();
        b.nodes.putAll(nodes);
        b.draining.addAll(draining);
        b.slaves.putAll(slaves);
        b.revision = revision;
        b.generation = generation;
        b.incarnation = incarnation;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BucketMap m && revision == m.revision && generation == m.generation
                && incarnation == m.incarnation && Arrays.equals(owners, m.owners)
                && Arrays.equals(tokens, m.tokens) && nodes.equals(m.nodes) && draining.equals(m.draining)
                && slaves.equals(m.slaves);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(revision) * 31 + Arrays.hashCode(owners);
    }

    @Override
    public String toString() {
        return "BucketMap{revision=" + revision + (generation == 0 ? "" : ", generation=" + generation)
                + (incarnation == 0 ? "" : ", incarnation=" + incarnation) + ", nodes=" + nodes.keySet() + ", draining=" + draining
                + ", assigned=" + assignment().size() + "}";
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private String[] owners = new String[Bucket.COUNT];
        private long[] tokens = new long[Bucket.COUNT];
        private final Map<String, NodeInfo> nodes = new TreeMap<>();
        private final Set<String> draining = new TreeSet<>();
        private final Map<String, SlaveInfo> slaves = new TreeMap<>();
        private long revision;
        private long generation;
        private long incarnation;

        public Builder owner(Bucket bucket, String nodeId, long token) {
            owners[bucket.index()] = nodeId;
            tokens[bucket.index()] = nodeId == null ? 0 : token;
            return this;
        }

        public Builder node(NodeInfo node) {
            nodes.put(node.nodeId(), node);
            return this;
        }

        public Builder removeNode(String nodeId) {
            nodes.remove(nodeId);
            return this;
        }

        public Builder draining(String nodeId, boolean isDraining) {
            if (isDraining) {
                draining.add(nodeId);
            } else {
                draining.remove(nodeId);
            }
            return this;
        }

        public Builder slave(SlaveInfo slave) {
            slaves.put(slave.nodeId(), slave);
            return this;
        }

        public Builder removeSlave(String nodeId) {
            slaves.remove(nodeId);
            return this;
        }

        public Builder revision(long revision) {
            this.revision = revision;
            return this;
        }

        public Builder generation(long generation) {
            this.generation = generation;
            return this;
        }

        public Builder incarnation(long incarnation) {
            this.incarnation = incarnation;
            return this;
        }

        public BucketMap build() {
            return new BucketMap(this);
        }
    }
}
