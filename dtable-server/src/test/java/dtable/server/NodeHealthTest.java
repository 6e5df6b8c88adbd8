package dtable.server;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.NodeInfo;
import dtable.server.cluster.Ownership;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** {@code /actuator/health} of a node follows its registration: what container health checks wait for. */
class NodeHealthTest {

    private final Ownership ownership = new Ownership("a", (buckets, reason) -> { });
    private final NodeHealth health = new NodeHealth(ownership);

    @Test
    void downUntilRegisteredUpAfterwardsDownAgainWhenTheLeaseIsLost() {
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);

        ownership.onMap(BucketMap.empty().toBuilder().node(new NodeInfo("a", "http://a/", "http://a/", "t"))
                .owner(Bucket.of("00"), "a", 7).build());
        ownership.onRegistered();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(health.health().getDetails()).containsEntry("owned_buckets", 1);

        ownership.onLeaseLost("test");
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    }
}
