package dtable.core.cluster;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * What a dtable-server registers under {@code {ns}nodes/{node_id}}, attached to its lease.
 *
 * @param nodeId       stable node name, e.g. {@code dtable-server-01}
 * @param nodeUrl      URL browsers use (returned by the proxy's server-info and in 307 Location)
 * @param localNodeUrl URL the proxy and other services use inside the cluster
 * @param startedAt    ISO-8601 instant the process registered
 */
public record NodeInfo(
        @JsonProperty("node_id") String nodeId,
        @JsonProperty("node_url") String nodeUrl,
        @JsonProperty("local_node_url") String localNodeUrl,
        @JsonProperty("started_at") String startedAt) {

    public NodeInfo {
        Objects.requireNonNull(nodeId, "node_id");
    }
}
