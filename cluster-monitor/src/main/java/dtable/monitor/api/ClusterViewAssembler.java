package dtable.monitor.api;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.NodeInfo;
import dtable.core.cluster.SlaveInfo;
import dtable.monitor.ClusterMonitor;
import dtable.monitor.election.LeadershipChange;
import dtable.monitor.election.LeadershipState;
import dtable.monitor.election.MonitorIdentity;
import dtable.monitor.election.MonitorRole;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/**
 * Builds the cluster view of {@code GET /api/v1/cluster/} (and of each Server-Sent Event) from this
 * monitor's latest watch snapshot, its leadership state and its move history:
 * {@code {"leader", "self", "revision", "nodes", "slaves", "map", "unassigned", "last_moves",
 * "leadership_changes"}}. Nodes that are gone but still own buckets or are marked draining are listed
 * with {@code "live": false}.
 *
 * <p>Thread-safe: reads immutable snapshots; the leader is read from the election unless this monitor leads.
 */
@Component
public class ClusterViewAssembler {

    static final int LAST_MOVES = 100;

    private final ClusterMonitor monitor;

    public ClusterViewAssembler(ClusterMonitor monitor) {
        this.monitor = monitor;
    }

    public Map<String, Object> view() {
        BucketMap snapshot = monitor.snapshot();
        LeadershipState leadership = monitor.leadership();
        MonitorRole role = leadership.role();
        Optional<MonitorIdentity> leader = role == MonitorRole.LEADER
                ? Optional.of(leadership.self()) : monitor.election().currentLeader();

        Map<String, Object> view = new LinkedHashMap<>();
        view.put("leader", leader.map(ClusterViewAssembler::identity).orElse(null));
        Map<String, Object> self = identity(leadership.self());
        self.put("role", role.json());
        self.put("term", leadership.term());
        self.put("leader_since", leadership.leaderSince().map(Object::toString).orElse(null));
        view.put("self", self);
        view.put("revision", snapshot.revision());
        view.put("generation", snapshot.generation());
        view.put("nodes", nodes(snapshot));
        view.put("slaves", slaves(snapshot));
        Map<String, String> map = new LinkedHashMap<>();
        int unassigned = 0;
        for (Bucket bucket : Bucket.all()) {
            String owner = snapshot.owner(bucket);
            map.put(bucket.hex(), owner);
            unassigned += owner == null ? 1 : 0;
        }
        view.put("map", map);
        view.put("unassigned", unassigned);
        view.put("last_moves", monitor.history().latest(LAST_MOVES));
        view.put("leadership_changes", changes(leadership.history()));
        return view;
    }

    private static List<Map<String, Object>> nodes(BucketMap snapshot) {
        Map<String, Integer> counts = new TreeMap<>();
        snapshot.assignment().values().forEach(owner -> counts.merge(owner, 1, Integer::sum));
        TreeSet<String> ids = new TreeSet<>(snapshot.nodes().keySet());
        ids.addAll(counts.keySet());
        ids.addAll(snapshot.draining());
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (String id : ids) {
            NodeInfo info = snapshot.nodes().get(id);
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("node_id", id);
            node.put("node_url", info == null ? null : info.nodeUrl());
            node.put("local_node_url", info == null ? null : info.localNodeUrl());
            node.put("started_at", info == null ? null : info.startedAt());
            node.put("live", info != null);
            node.put("draining", snapshot.draining().contains(id));
            node.put("bucket_count", counts.getOrDefault(id, 0));
            nodes.add(node);
        }
        return nodes;
    }

    private static List<Map<String, Object>> slaves(BucketMap snapshot) {
        List<Map<String, Object>> slaves = new ArrayList<>();
        for (SlaveInfo slave : snapshot.slaves().values()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("node_id", slave.nodeId());
            json.put("local_node_url", slave.localNodeUrl());
            slaves.add(json);
        }
        return slaves;
    }

    private static List<Map<String, Object>> changes(List<LeadershipChange> history) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (LeadershipChange change : history.reversed()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("at", change.at().toString());
            json.put("from", change.from().json());
            json.put("to", change.to().json());
            json.put("term", change.term());
            json.put("reason", change.reason());
            list.add(json);
        }
        return list;
    }

    private static Map<String, Object> identity(MonitorIdentity id) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("monitor_id", id.monitorId());
        json.put("monitor_url", id.monitorUrl());
        return json;
    }
}
