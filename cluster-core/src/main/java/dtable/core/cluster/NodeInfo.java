package dtable.core.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * What a dtable-server registers under {@code {ns}nodes/{node_id}}, attached to its lease.
 *
 * @param nodeId       stable node name, e.g. {@code dtable-server-01}
 * @param nodeUrl      URL browsers use (returned by the proxy's server-info and in 307 Location)
 * @param localNodeUrl URL the proxy and other services use inside the cluster
 * @param startedAt    ISO-8601 instant the process registered
 * @param heldBuckets  the buckets (two hex digits each, sorted) the node served under the last map that
 *                     gave it any, reported so that a monitor finding an empty map (etcd lost its data)
 *                     hands each node back what it held; empty for a node that held nothing
 * @param writeUrl     URL of the node's write port inside the cluster, or null when it has none: the proxy sends
 *                     the six hot row writes there (docs/architecture.md, "The write port")
 */
public record NodeInfo(
        @JsonProperty("node_id") String nodeId,
        @JsonProperty("node_url") String nodeUrl,
        @JsonProperty("local_node_url") String localNodeUrl,
        @JsonProperty("started_at") String startedAt,
        @JsonProperty("held_buckets") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> heldBuckets,
        @JsonProperty("write_url") @JsonInclude(JsonInclude.Include.NON_NULL) String writeUrl) {

    public NodeInfo {
        Objects.requireNonNull(nodeId, "node_id");
        heldBuckets = heldBuckets == null ? List.of() : List.copyOf(heldBuckets);
    }

    public NodeInfo(String nodeId, String nodeUrl, String localNodeUrl, String startedAt, List<String> heldBuckets) {
        this(nodeId, nodeUrl, localNodeUrl, startedAt, heldBuckets, null);
    }

    public NodeInfo(String nodeId, String nodeUrl, String localNodeUrl, String startedAt) {
        this(nodeId, nodeUrl, localNodeUrl, startedAt, List.of());
    }
}
