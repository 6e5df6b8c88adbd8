package dtable.core.cluster;

import dtable.core.bucket.Bucket;

/**
 * The etcd key layout of SPEC §3 under one namespace (default {@code /dtable-cluster/}).
 * Pure string math; every component builds its keys here so the layout lives in one place.
 */
public record EtcdKeys(String namespace) {

    public static final String DEFAULT_NAMESPACE = "/dtable-cluster/";

    public EtcdKeys {
        if (namespace == null || namespace.isEmpty()) {
            namespace = DEFAULT_NAMESPACE;
        }
        if (!namespace.endsWith("/")) {
            namespace = namespace + "/";
        }
    }

    public static EtcdKeys defaults() {
        return new EtcdKeys(DEFAULT_NAMESPACE);
    }

    public String nodesPrefix() {
        return namespace + "nodes/";
    }

    public String node(String nodeId) {
        return nodesPrefix() + nodeId;
    }

    public String assignPrefix() {
        return namespace + "assign/";
    }

    public String assign(Bucket bucket) {
        return assignPrefix() + bucket.hex();
    }

    public String drainingPrefix() {
        return namespace + "draining/";
    }

    public String draining(String nodeId) {
        return drainingPrefix() + nodeId;
    }

    public String slavesPrefix() {
        return namespace + "slaves/";
    }

    public String slave(String nodeId) {
        return slavesPrefix() + nodeId;
    }

    /**
     * {@code {ns}refusals/{node_id}}: a proxy saw the node refuse a connection (value {@code {"node_id",
     * "reported_by","at"}}, under a short lease of the proxy's). Only makes the monitor leader probe at once.
     */
    public String refusalsPrefix() {
        return namespace + "refusals/";
    }

    public String refusal(String nodeId) {
        return refusalsPrefix() + nodeId;
    }

    /**
     * {@code {ns}generation}: the cluster generation (decimal), the high part of every assignment token
     * ({@link FencingToken}); written only by the monitor leader, after MySQL's counter.
     */
    public String generation() {
        return namespace + "generation";
    }

    public String electionName() {
        return namespace + "monitor/election";
    }

    /** The part of {@code key} after {@code prefix}, or null when the key is not under it. */
    public static String suffix(String key, String prefix) {
        return key.startsWith(prefix) ? key.substring(prefix.length()) : null;
    }
}
