package dtable.core.etcd;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.EtcdKeys;
import dtable.core.cluster.FencingToken;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one etcd key change of the namespace to a {@link BucketMap.Builder} (Kafka's
 * {@code ClusterDelta} in miniature): {@code assign/{xx}} sets the owner with the key's mod revision
 * (the low part of its token), {@code generation} sets the cluster generation (the high part), {@code nodes/} and {@code slaves/} values are registrations, {@code draining/} is a
 * presence flag. Anything else in the namespace (monitor election keys) does not touch the map.
 * A malformed key or value is logged and skipped, never thrown: one bad write must not blind
 * every watcher. Pure apart from logging; not thread-safe (the builder is not).
 */
final class BucketMapDelta {

    private static final Logger log = LoggerFactory.getLogger(BucketMapDelta.class);

    private final EtcdKeys keys;

    BucketMapDelta(EtcdKeys keys) {
        this.keys = keys;
    }

    /**
     * Applies a put of {@code key} = {@code value} at {@code modRevision}.
     *
     * @return true when the map content changed (or may have)
     */
    boolean put(BucketMap.Builder map, String key, String value, long modRevision) {
        if (key.equals(keys.generation())) {
            try {
                long generation = Long.parseLong(value.trim());
                if (generation < 1 || generation > FencingToken.MAX_GENERATION) {
                    throw new NumberFormatException("out of range");
                }
                map.generation(generation);
                return true;
            } catch (NumberFormatException e) {
                log.warn("ignoring malformed cluster generation {} = '{}'", key, value);
                return false;
            }
        }
        String id;
        if ((id = EtcdKeys.suffix(key, keys.assignPrefix())) != null) {
            Bucket bucket = bucket(id, key);
            String owner = value.trim();
            if (bucket == null) {
                return false;
            }
            if (owner.isEmpty()) {
                log.warn("ignoring empty owner in {}", key);
                return false;
            }
            map.owner(bucket, owner, modRevision);
            return true;
        }
        if ((id = validId(EtcdKeys.suffix(key, keys.nodesPrefix()), key)) != null) {
            return putParsed("registration", key, id, value, ClusterJson::parseNode, map::node);
        }
        if ((id = validId(EtcdKeys.suffix(key, keys.drainingPrefix()), key)) != null) {
            map.draining(id, true);
            return true;
        }
        if ((id = validId(EtcdKeys.suffix(key, keys.slavesPrefix()), key)) != null) {
            return putParsed("slave registration", key, id, value, ClusterJson::parseSlave, map::slave);
        }
        return false;
    }

    /** Puts what {@code parse} makes of a registration's value; a malformed one is logged and ignored (false). */
    private static <T> boolean putParsed(String what, String key, String id, String value,
            BiFunction<String, String, T> parse, Consumer<T> put) {
        try {
            put.accept(parse.apply(id, value));
            return true;
        } catch (IllegalArgumentException e) {
            log.warn("ignoring malformed {} {}: {}", what, key, e.getMessage());
            return false;
        }
    }

    /**
     * Applies a delete of {@code key}.
     *
     * @return true when the map content changed (or may have)
     */
    boolean delete(BucketMap.Builder map, String key) {
        if (key.equals(keys.generation())) {
            map.generation(0);
            return true;
        }
        String id;
        if ((id = EtcdKeys.suffix(key, keys.assignPrefix())) != null) {
            Bucket bucket = bucket(id, key);
            if (bucket == null) {
                return false;
            }
            map.owner(bucket, null, 0);
            return true;
        }
        if ((id = validId(EtcdKeys.suffix(key, keys.nodesPrefix()), key)) != null) {
            map.removeNode(id);
            return true;
        }
        if ((id = validId(EtcdKeys.suffix(key, keys.drainingPrefix()), key)) != null) {
            map.draining(id, false);
            return true;
        }
        if ((id = validId(EtcdKeys.suffix(key, keys.slavesPrefix()), key)) != null) {
            map.removeSlave(id);
            return true;
        }
        return false;
    }

    private static Bucket bucket(String hex, String key) {
        try {
            return Bucket.of(hex);
        } catch (IllegalArgumentException e) {
            log.warn("ignoring key with an invalid bucket: {}", key);
            return null;
        }
    }

    /** A node id from a key suffix: non-empty, no further '/' (those are not our keys). */
    private static String validId(String suffix, String key) {
        if (suffix == null) {
            return null;
        }
        if (suffix.isEmpty() || suffix.contains("/")) {
            log.warn("ignoring key with an invalid node id: {}", key);
            return null;
        }
        return suffix;
    }
}
