package dtable.server.cluster;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.NodeInfo;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which buckets this node serves, and under which assignment token (SPEC §3, §5).
 *
 * <p>A bucket is served only while (a) the node's lease is alive — it is registered — and (b) the
 * latest map from etcd names it as owner. The token is the mod revision of {@code assign/{xx}} when
 * the node saw it. Losing either condition takes the bucket away at once (self-fencing): requests get
 * 503/307 from then on and {@code onLost} is told so loaded bases can be unloaded.
 *
 * <p>Thread rules: the update methods are synchronized (watcher thread, registration thread); reads
 * use the volatile {@link #owned} array, which is replaced, never mutated.
 */
public final class Ownership {

    private static final Logger log = LoggerFactory.getLogger(Ownership.class);

    private final String nodeId;
    private final BiConsumer<Set<Bucket>, String> onLost;
    private volatile BucketMap map = BucketMap.empty();
    private volatile boolean registered;
    private volatile long[] owned = new long[Bucket.COUNT];
    private volatile int leaseLosses;
    /** The buckets the last map with any assignment gave this node (reported in the registration). */
    private volatile java.util.List<String> held = java.util.List.of();

    /**
     * @param onLost called (on the updating thread; must not block long) with the buckets this node
     *               stopped serving and the reason
     */
    public Ownership(String nodeId, BiConsumer<Set<Bucket>, String> onLost) {
        this.nodeId = nodeId;
        this.onLost = onLost;
    }

    public synchronized void onMap(BucketMap next) {
        map = next;
        if (!next.assignment().isEmpty()) {
            // an empty map (etcd lost its data) does not erase what this node served: the monitor gives it back
            held = next.bucketsOf(nodeId).stream().map(Bucket::hex).toList();
        }
        recompute("assignment changed (revision " + next.revision() + ")");
    }

    public synchronized void onRegistered() {
        if (!registered) {
            log.info("node {} registered: serving the buckets the map gives it", nodeId);
        }
        registered = true;
        recompute("registered");
    }

    public synchronized void onLeaseLost(String reason) {
        if (registered) {
            log.warn("node {} lost its lease ({}): stops serving every bucket until registered again", nodeId, reason);
            leaseLosses++;
        }
        registered = false;
        recompute("lease lost: " + reason);
    }

    private void recompute(String reason) {
        long[] next = new long[Bucket.COUNT];
        if (registered) {
            for (Bucket bucket : Bucket.all()) {
                if (nodeId.equals(map.owner(bucket))) {
                    next[bucket.index()] = Math.max(1, map.token(bucket));
                }
            }
        }
        Set<Bucket> lost = new TreeSet<>();
        long[] previous = owned;
        for (int i = 0; i < Bucket.COUNT; i++) {
            if (previous[i] != 0 && next[i] == 0) {
                lost.add(Bucket.of(i));
            }
        }
        owned = next;
        if (!lost.isEmpty()) {
            log.info("node {} stops serving {} bucket(s): {}", nodeId, lost.size(), reason);
            onLost.accept(lost, reason);
        }
    }

    /** Where {@code bucket} is served right now. */
    public Route route(Bucket bucket) {
        long token = owned[bucket.index()];
        if (token != 0) {
            return new Route.Local(token);
        }
        if (!registered) {
            return new Route.Unknown("node " + nodeId + " is not registered in etcd (lease lost or starting)");
        }
        BucketMap current = map;
        NodeInfo owner = current.ownerInfo(bucket);
        if (owner == null || owner.nodeId().equals(nodeId)) {
            return new Route.Unknown("bucket " + bucket + " has no live owner");
        }
        return new Route.Remote(owner);
    }

    /** The token this node holds for {@code bucket}, or 0 when it does not serve it. */
    public long token(Bucket bucket) {
        return owned[bucket.index()];
    }

    public Set<Bucket> ownedBuckets() {
        Set<Bucket> set = new TreeSet<>();
        long[] current = owned;
        for (int i = 0; i < Bucket.COUNT; i++) {
            if (current[i] != 0) {
                set.add(Bucket.of(i));
            }
        }
        return set;
    }

    /**
     * The buckets the last non-empty map gave this node, as {@code held_buckets} for its registration: after
     * etcd lost its data the new monitor leader hands them back instead of reshuffling (SPEC §3).
     */
    public java.util.List<String> heldBuckets() {
        return held;
    }

    /** How many times this node fenced itself after losing its lease (shown by the admin endpoint). */
    public int leaseLosses() {
        return leaseLosses;
    }

    public boolean registered() {
        return registered;
    }

    public BucketMap map() {
        return map;
    }

    public String nodeId() {
        return nodeId;
    }
}
