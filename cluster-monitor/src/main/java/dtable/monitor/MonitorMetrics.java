package dtable.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.monitor.election.MonitorRole;
import org.springframework.stereotype.Component;

/**
 * Prometheus metrics of the monitor: whether it leads ({@code dtable_monitor_leader}), its term, the
 * map revision it sees, the number of live nodes, and leadership transitions
 * ({@code dtable_monitor_leadership_changes_total}); for alerts, the buckets no live node serves
 * ({@code dtable_monitor_buckets_unassigned}) and the live, not draining nodes that own no bucket
 * ({@code dtable_monitor_nodes_without_buckets}, normal after a join until the next rebalance).
 */
@Component
class MonitorMetrics implements MeterBinder {

    private final ClusterMonitor monitor;

    MonitorMetrics(ClusterMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("dtable.monitor.leader", monitor, m -> m.leadership().role() == MonitorRole.LEADER ? 1 : 0)
                .description("1 while this monitor leads").register(registry);
        Gauge.builder("dtable.monitor.term", monitor, m -> m.leadership().term())
                .description("times this monitor became leader").register(registry);
        Gauge.builder("dtable.monitor.map.revision", monitor, m -> m.snapshot().revision())
                .description("etcd revision of the cluster snapshot").register(registry);
        Gauge.builder("dtable.monitor.nodes.live", monitor, m -> m.snapshot().nodes().size())
                .description("registered dtable-server nodes").register(registry);
        Gauge.builder("dtable.monitor.buckets.unassigned", monitor, m -> unassignedBuckets(m.snapshot()))
                .description("buckets without an owner or whose owner is not registered").register(registry);
        Gauge.builder("dtable.monitor.nodes.without.buckets", monitor, m -> nodesWithoutBuckets(m.snapshot()))
                .description("registered, not draining nodes owning no bucket").register(registry);
        Counter changes = Counter.builder("dtable.monitor.leadership.changes")
                .description("role transitions of this monitor").register(registry);
        monitor.leadership().addListener(change -> changes.increment());
    }

    /** Buckets that no registered node serves: no owner, or an owner whose registration is gone. */
    static int unassignedBuckets(BucketMap map) {
        int count = 0;
        for (Bucket bucket : Bucket.all()) {
            String owner = map.owner(bucket);
            count += owner == null || !map.nodes().containsKey(owner) ? 1 : 0;
        }
        return count;
    }

    /** Registered nodes that are not draining and own no bucket. */
    static int nodesWithoutBuckets(BucketMap map) {
        return (int) map.nodes().keySet().stream()
                .filter(node -> !map.draining().contains(node) && map.bucketsOf(node).isEmpty())
                .count();
    }
}
