package dtable.core.etcd;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.NodeInfo;
import dtable.core.cluster.SlaveInfo;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeSet;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON values of the etcd layout (SPEC §3). Reading is lenient: unknown fields are ignored (a
 * newer node may add some) and the id is taken from the key, which is authoritative. Thread-safe.
 */
public final class ClusterJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ClusterJson() {
    }

    /** The value of {@code nodes/{node_id}}. */
    public static String toJson(NodeInfo node) {
        return MAPPER.writeValueAsString(node);
    }

    /** The value of {@code slaves/{node_id}}. */
    public static String toJson(SlaveInfo slave) {
        return MAPPER.writeValueAsString(slave);
    }

    /** The value of {@code draining/{node_id}}: {@code {"since": "<ISO-8601 instant>"}}. */
    public static String drainingSince(Instant since) {
        Map<String, String> value = new LinkedHashMap<>();
        value.put("since", since.toString());
        return MAPPER.writeValueAsString(value);
    }

    /**
     * Parses a {@code nodes/} value registered under {@code nodeId}.
     *
     * @throws IllegalArgumentException when the value is not a JSON object
     */
    public static NodeInfo parseNode(String nodeId, String json) {
        JsonNode tree = object(json);
        return new NodeInfo(nodeId, text(tree, "node_url"), text(tree, "local_node_url"), text(tree, "started_at"),
                heldBuckets(tree), text(tree, "write_url"));
    }

    /**
     * Parses a {@code slaves/} value registered under {@code nodeId}.
     *
     * @throws IllegalArgumentException when the value is not a JSON object
     */
    public static SlaveInfo parseSlave(String nodeId, String json) {
        return new SlaveInfo(nodeId, text(object(json), "local_node_url"));
    }

    /** {@code held_buckets}: valid bucket names only (lowercased, sorted, unique); anything else is ignored. */
    private static List<String> heldBuckets(JsonNode tree) {
        JsonNode held = tree.get("held_buckets");
        if (held == null || !held.isArray()) {
            return List.of();
        }
        TreeSet<String> buckets = new TreeSet<>();
        for (JsonNode item : held) {
            if (item.isString()) {
                try {
                    buckets.add(Bucket.of(item.asString()).hex());
                } catch (IllegalArgumentException e) {
                    // a bad entry costs only that bucket's stability
                }
            }
        }
        return List.copyOf(buckets);
    }

    private static JsonNode object(String json) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return tree;
    }

    private static String text(JsonNode tree, String field) {
        JsonNode value = tree.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
