package dtable.proxy.api;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.NodeInfo;
import dtable.core.cluster.SlaveInfo;
import dtable.proxy.routing.RoutingTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/cluster/map/}: the routing snapshot the proxy uses right now, so operators can
 * compare it with the monitor's. Unassigned buckets map to null; a node's {@code write_url} is
 * shown only when it registered one.
 */
@RestController
class ClusterMapController {

    private final RoutingTable table;

    ClusterMapController(RoutingTable table) {
        this.table = table;
    }

    @GetMapping({"/api/v1/cluster/map/", "/api/v1/cluster/map"})
    Map<String, Object> map() {
        BucketMap map = table.current();
        Map<String, String> owners = new LinkedHashMap<>();
        for (Bucket bucket : Bucket.all()) {
            owners.put(bucket.hex(), map.owner(bucket));
        }
        List<Map<String, String>> nodes = new ArrayList<>();
        for (NodeInfo node : map.nodes().values()) {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("node_id", node.nodeId());
            entry.put("node_url", node.nodeUrl());
            entry.put("local_node_url", node.localNodeUrl());
            if (node.writeUrl() != null) {
                entry.put("write_url", node.writeUrl());
            }
            nodes.add(entry);
        }
        List<Map<String, String>> slaves = new ArrayList<>();
        for (SlaveInfo slave : map.slaves().values()) {
            slaves.add(Map.of("node_id", slave.nodeId(), "local_node_url", String.valueOf(slave.localNodeUrl())));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("revision", map.revision());
        body.put("ready", table.isReady());
        body.put("map", owners);
        body.put("nodes", nodes);
        body.put("draining", List.copyOf(map.draining()));
        body.put("slaves", slaves);
        return body;
    }
}
