package dtable.proxy.api;

import dtable.core.cluster.BucketMap;
import dtable.proxy.routing.WatchedRoutingTable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health {@code clusterMap}: DOWN until the first snapshot of the cluster map was read from etcd
 * (the proxy cannot route anything before). Afterwards UP, also while etcd is unreachable: the last
 * snapshot keeps routing, and {@code fresh=false} says it may be stale.
 */
@Component("clusterMap")
class ClusterHealthIndicator implements HealthIndicator {

    private final WatchedRoutingTable table;

    ClusterHealthIndicator(WatchedRoutingTable table) {
        this.table = table;
    }

    @Override
    public Health health() {
        if (!table.isReady()) {
            return Health.down().withDetail("reason", "the cluster map has not been read from etcd yet").build();
        }
        BucketMap map = table.current();
        return Health.up()
                .withDetail("revision", map.revision())
                .withDetail("fresh", table.isFresh())
                .withDetail("nodes", map.nodes().size())
                .withDetail("assigned_buckets", map.assignment().size())
                .build();
    }
}
