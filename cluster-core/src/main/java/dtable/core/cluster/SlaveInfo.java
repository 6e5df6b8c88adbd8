package dtable.core.cluster;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a dtable-server-slave registers under {@code {ns}slaves/{node_id}}, attached to its lease. */
public record SlaveInfo(
        @JsonProperty("node_id") String nodeId,
        @JsonProperty("local_node_url") String localNodeUrl) {
}
