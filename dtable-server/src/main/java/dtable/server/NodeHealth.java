package dtable.server;

import dtable.server.cluster.Ownership;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health {@code cluster}: DOWN until the node is registered in etcd under a live lease (and again while
 * it has lost it and fenced itself), UP with its owned bucket count afterwards. Together with the
 * datasource's health this makes {@code /actuator/health} say when a node that started before etcd or
 * MySQL is ready, which is what container health checks ask.
 */
@Component("cluster")
class NodeHealth implements HealthIndicator {

    private final Ownership ownership;

    NodeHealth(Ownership ownership) {
        this.ownership = ownership;
    }

    @Override
    public Health health() {
        if (!ownership.registered()) {
            return Health.down().withDetail("reason", "not registered in etcd (waiting for etcd, or the lease was lost)")
                    .build();
        }
        return Health.up().withDetail("node_id", ownership.nodeId())
                .withDetail("owned_buckets", ownership.ownedBuckets().size()).build();
    }
}
