package dtable.monitor.simulation;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.EtcdKeys;
import dtable.core.cluster.NodeInfo;
import dtable.testsupport.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An in-memory etcd with just what the monitor relies on: a global revision bumped once per write or
 * transaction, keys with create/mod revisions and an optional lease, leases with a TTL on a
 * {@link SettableClock} (expiry deletes their keys in one revision), and transactions guarded by
 * "create revision of key K == R" (how the election key fences the leader). Watches are modelled by
 * readers taking a {@link #snapshot} when their watch is delivered.
 *
 * <p>Single-threaded, deterministic.
 */
final class FakeEtcd {

    record Entry(String value, long createRevision, long modRevision, long lease) {
    }

    /** One put (value non-null) or delete (value null) inside a transaction. */
    record Op(String key, String value) {
    }

    private final SettableClock clock;
    private final EtcdKeys keys;
    private final TreeMap<String, Entry> data = new TreeMap<>();
    private final Map<Long, Instant> leases = new HashMap<>();
    private long revision = 1;
    private long nextLease = 0x1000;

    FakeEtcd(SettableClock clock, EtcdKeys keys) {
        this.clock = clock;
        this.keys = keys;
    }

    long revision() {
        return revision;
    }

    Entry get(String key) {
        return data.get(key);
    }

    SortedMap<String, Entry> range(String prefix) {
        return data.subMap(prefix, prefix + Character.MAX_VALUE);
    }

    long grant(Duration ttl) {
        long id = nextLease++;
        leases.put(id, clock.instant().plus(ttl));
        return id;
    }

    /** Renews a lease; false when it no longer exists. */
    boolean keepAlive(long lease, Duration ttl) {
        if (!leases.containsKey(lease)) {
            return false;
        }
        leases.put(lease, clock.instant().plus(ttl));
        return true;
    }

    boolean leaseAlive(long lease) {
        return leases.containsKey(lease);
    }

    void revoke(long lease) {
        if (leases.remove(lease) != null) {
            deleteLeaseKeys(lease);
        }
    }

    /** Expires every lease whose deadline has passed (call after advancing the clock). */
    void expireLeases() {
        List<Long> expired = leases.entrySet().stream()
                .filter(e -> !e.getValue().isAfter(clock.instant())).map(Map.Entry::getKey).sorted().toList();
        for (long lease : expired) {
            revoke(lease);
        }
    }

    long put(String key, String value, long lease) {
        if (lease != 0 && !leases.containsKey(lease)) {
            throw new IllegalStateException("etcdserver: requested lease not found");
        }
        revision++;
        Entry old = data.get(key);
        data.put(key, new Entry(value, old == null ? revision : old.createRevision(), revision, lease));
        return revision;
    }

    /** Puts only when the key is absent; returns the key's entry either way. */
    Entry putIfAbsent(String key, String value, long lease) {
        if (!data.containsKey(key)) {
            put(key, value, lease);
        }
        return data.get(key);
    }

    /**
     * Applies {@code ops} atomically at one new revision when {@code createRevision(guardKey) == guardRevision}.
     *
     * @return the new revision, or empty when the compare failed (nothing written)
     */
    OptionalLong txnIfCreateRevision(String guardKey, long guardRevision, List<Op> ops) {
        Entry guard = data.get(guardKey);
        if (guard == null || guard.createRevision() != guardRevision) {
            return OptionalLong.empty();
        }
        revision++;
        for (Op op : ops) {
            if (op.value() == null) {
                data.remove(op.key());
            } else {
                Entry old = data.get(op.key());
                data.put(op.key(), new Entry(op.value(), old == null ? revision : old.createRevision(), revision, 0));
            }
        }
        return OptionalLong.of(revision);
    }

    /** The key with the lowest create revision under {@code prefix}: the election's leader. */
    Map.Entry<String, Entry> firstCreated(String prefix) {
        return range(prefix).entrySet().stream()
                .min((a, b) -> Long.compare(a.getValue().createRevision(), b.getValue().createRevision()))
                .orElse(null);
    }

    /** What a watcher that has seen everything up to now would show. */
    BucketMap snapshot() {
        BucketMap.Builder b = BucketMap.empty().toBuilder();
        for (var e : range(keys.assignPrefix()).entrySet()) {
            Bucket bucket = Bucket.of(EtcdKeys.suffix(e.getKey(), keys.assignPrefix()));
            b.owner(bucket, e.getValue().value(), e.getValue().modRevision());
        }
        for (var e : range(keys.nodesPrefix()).entrySet()) {
            String id = EtcdKeys.suffix(e.getKey(), keys.nodesPrefix());
            java.util.List<String> held = dtable.core.etcd.ClusterJson.parseNode(id, e.getValue().value()).heldBuckets();
            b.node(new NodeInfo(id, "http://" + id, "http://" + id, "sim", held));
        }
        Entry generation = data.get(keys.generation());
        b.generation(generation == null ? 0 : Long.parseLong(generation.value()));
        for (var e : range(keys.drainingPrefix()).entrySet()) {
            b.draining(EtcdKeys.suffix(e.getKey(), keys.drainingPrefix()), true);
        }
        return b.revision(revision).build();
    }

    /** etcd loses its data: no keys, no leases, and revisions start again from 1 (a new etcd cluster). */
    void wipe() {
        data.clear();
        leases.clear();
        revision = 1;
    }

    /** etcd restored from an earlier {@link #copy()}: its keys, leases and revision come back. */
    void restore(FakeEtcd saved) {
        data.clear();
        data.putAll(saved.data);
        leases.clear();
        saved.leases.keySet().forEach(id -> leases.put(id, clock.instant().plus(Duration.ofSeconds(10))));
        revision = saved.revision;
    }

    /** A snapshot of the whole store (etcdctl snapshot save). */
    FakeEtcd copy() {
        FakeEtcd copy = new FakeEtcd(clock, keys);
        copy.data.putAll(data);
        copy.leases.putAll(leases);
        copy.revision = revision;
        copy.nextLease = nextLease;
        return copy;
    }

    /** Bucket → owner as stored now. */
    Map<Bucket, String> owners() {
        Map<Bucket, String> map = new TreeMap<>();
        for (var e : range(keys.assignPrefix()).entrySet()) {
            map.put(Bucket.of(EtcdKeys.suffix(e.getKey(), keys.assignPrefix())), e.getValue().value());
        }
        return map;
    }

    private void deleteLeaseKeys(long lease) {
        List<String> doomed = new ArrayList<>();
        data.forEach((k, v) -> {
            if (v.lease() == lease) {
                doomed.add(k);
            }
        });
        if (!doomed.isEmpty()) {
            revision++;
            doomed.forEach(data::remove);
        }
    }
}
