package dtable.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.NodeInfo;
import org.junit.jupiter.api.Test;

/** The two gauges the Prometheus alert rules of the monitoring profile rest on. */
class MonitorMetricsTest {

    private static NodeInfo node(String id) {
        return new NodeInfo(id, "http://" + id + "/", "http://" + id + "/", "2026-01-01T00:00:00Z");
    }

    @Test
    void bucketsWithoutAnOwnerOrWithAGoneOwnerAreUnassigned() {
        BucketMap.Builder b = BucketMap.empty().toBuilder().node(node("n1"));
        for (int i = 0; i < 200; i++) {
            b.owner(Bucket.of(i), "n1", 10 + i);
        }
        for (int i = 200; i < 250; i++) {
            b.owner(Bucket.of(i), "gone", 10 + i); // its registration expired, the map still names it
        }
        BucketMap map = b.build(); // 250..255 have no owner at all

        assertThat(MonitorMetrics.unassignedBuckets(map)).isEqualTo(56);
        assertThat(MonitorMetrics.unassignedBuckets(BucketMap.empty())).isEqualTo(256);
    }

    @Test
    void aLiveNodeWithoutBucketsCountsUnlessItDrains() {
        BucketMap.Builder b = BucketMap.empty().toBuilder().node(node("n1")).node(node("n2")).node(node("n3"));
        for (Bucket bucket : Bucket.all()) {
            b.owner(bucket, "n1", 5);
        }
        assertThat(MonitorMetrics.nodesWithoutBuckets(b.build())).isEqualTo(2);
        assertThat(MonitorMetrics.nodesWithoutBuckets(b.draining("n3", true).build())).isEqualTo(1);
        assertThat(MonitorMetrics.unassignedBuckets(b.build())).isZero();
    }
}
