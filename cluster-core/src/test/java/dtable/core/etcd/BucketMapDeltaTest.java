package dtable.core.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.EtcdKeys;
import dtable.core.cluster.FencingToken;
import dtable.core.cluster.NodeInfo;
import dtable.core.cluster.SlaveInfo;
import org.junit.jupiter.api.Test;

class BucketMapDeltaTest {

    private final EtcdKeys keys = new EtcdKeys("/ns/");
    private final BucketMapDelta delta = new BucketMapDelta(keys);
    private final BucketMap.Builder map = new BucketMap.Builder();

    @Test
    void assignmentPutSetsOwnerAndTokenAndDeleteClearsBoth() {
        assertThat(delta.put(map, "/ns/assign/a3", "node-1", 42)).isTrue();
        BucketMap assigned = map.build();
        assertThat(assigned.owner(Bucket.of("a3"))).isEqualTo("node-1");
        assertThat(assigned.token(Bucket.of("a3"))).isEqualTo(42);

        assertThat(delta.delete(map, "/ns/assign/a3")).isTrue();
        BucketMap cleared = map.build();
        assertThat(cleared.owner(Bucket.of("a3"))).isNull();
        assertThat(cleared.token(Bucket.of("a3"))).isZero();
    }

    @Test
    void registrationsTakeTheIdFromTheKeyAndIgnoreUnknownFields() {
        delta.put(map, "/ns/nodes/node-1",
                "{\"node_id\":\"other\",\"node_url\":\"http://a:5000\",\"local_node_url\":\"http://10.0.0.1:5000\","
                        + "\"started_at\":\"2026-01-01T00:00:00Z\",\"future_field\":1}", 7);
        delta.put(map, "/ns/slaves/slave-1", "{\"local_node_url\":\"http://10.0.0.9:4000\"}", 8);
        delta.put(map, "/ns/draining/node-2", "{\"since\":\"2026-01-01T00:00:00Z\"}", 9);

        BucketMap built = map.build();
        assertThat(built.nodes()).containsOnlyKeys("node-1");
        assertThat(built.nodes().get("node-1")).isEqualTo(
                new NodeInfo("node-1", "http://a:5000", "http://10.0.0.1:5000", "2026-01-01T00:00:00Z"));
        assertThat(built.slaves()).containsEntry("slave-1", new SlaveInfo("slave-1", "http://10.0.0.9:4000"));
        assertThat(built.draining()).containsExactly("node-2");

        delta.delete(map, "/ns/nodes/node-1");
        delta.delete(map, "/ns/slaves/slave-1");
        delta.delete(map, "/ns/draining/node-2");
        BucketMap emptied = map.build();
        assertThat(emptied.nodes()).isEmpty();
        assertThat(emptied.slaves()).isEmpty();
        assertThat(emptied.draining()).isEmpty();
    }

    @Test
    void malformedKeysAndValuesAreSkippedWithoutTouchingTheMap() {
        delta.put(map, "/ns/nodes/node-1", "{\"node_url\":\"http://a:5000\"}", 3);
        BucketMap before = map.build();

        assertThat(delta.put(map, "/ns/nodes/node-1", "not json", 4)).isFalse();
        assertThat(delta.put(map, "/ns/nodes/node-2", "[1,2]", 5)).isFalse();
        assertThat(delta.put(map, "/ns/assign/zz", "node-1", 6)).isFalse();
        assertThat(delta.put(map, "/ns/assign/abc", "node-1", 6)).isFalse();
        assertThat(delta.put(map, "/ns/assign/01", "  ", 6)).isFalse();
        assertThat(delta.put(map, "/ns/nodes/a/b", "{}", 7)).isFalse();
        assertThat(delta.put(map, "/ns/monitor/election/123", "monitor-1", 8)).isFalse();
        assertThat(delta.delete(map, "/ns/assign/zz")).isFalse();

        assertThat(map.build()).isEqualTo(before);
    }

    @Test
    void theGenerationKeyMakesTheHighPartOfEveryToken() {
        delta.put(map, "/ns/assign/a3", "node-1", 42);
        assertThat(delta.put(map, "/ns/generation", " 3 ", 43)).isTrue();
        BucketMap built = map.build();
        assertThat(built.generation()).isEqualTo(3);
        assertThat(built.modRevision(Bucket.of("a3"))).isEqualTo(42);
        assertThat(built.token(Bucket.of("a3"))).isEqualTo(FencingToken.of(3, 42));

        assertThat(delta.put(map, "/ns/generation", "x", 44)).isFalse();
        assertThat(delta.put(map, "/ns/generation", "0", 44)).isFalse();
        assertThat(map.build().generation()).isEqualTo(3);
        assertThat(delta.delete(map, "/ns/generation")).isTrue();
        assertThat(map.build().token(Bucket.of("a3"))).isEqualTo(42);
    }

    @Test
    void heldBucketsAreReadLeniently() {
        delta.put(map, "/ns/nodes/node-1", "{\"held_buckets\":[\"0A\",\"ff\",\"zz\",7,\"0a\"]}", 3);
        assertThat(map.build().nodes().get("node-1").heldBuckets()).containsExactly("0a", "ff");
        assertThat(ClusterJson.toJson(new NodeInfo("n", "u", "l", "s"))).doesNotContain("held_buckets");
        assertThat(ClusterJson.toJson(new NodeInfo("n", "u", "l", "s", java.util.List.of("0a"))))
                .contains("\"held_buckets\":[\"0a\"]");
    }

    @Test
    void aWriteUrlIsRegisteredOnlyWhenTheNodeHasOne() {
        assertThat(ClusterJson.toJson(new NodeInfo("n", "u", "l", "s"))).doesNotContain("write_url");
        String json = ClusterJson.toJson(new NodeInfo("n", "u", "l", "s", java.util.List.of(), "http://10.0.0.1:5001/"));
        assertThat(json).contains("\"write_url\":\"http://10.0.0.1:5001/\"");
        delta.put(map, "/ns/nodes/node-1", json, 3);
        assertThat(map.build().nodes().get("node-1").writeUrl()).isEqualTo("http://10.0.0.1:5001/");
        delta.put(map, "/ns/nodes/node-2", "{\"node_url\":\"u\"}", 4);
        assertThat(map.build().nodes().get("node-2").writeUrl()).isNull();
    }
}
