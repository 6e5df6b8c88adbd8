package dtable.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.NodeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OwnershipTest {

    private final List<Set<Bucket>> lost = new ArrayList<>();
    private final Ownership ownership = new Ownership("a", (buckets, reason) -> lost.add(buckets));

    private static BucketMap map(long revision, String ownerOf00, String ownerOf01) {
        return BucketMap.empty().toBuilder()
                .node(new NodeInfo("a", "http://a/", "http://a-local/", "t"))
                .node(new NodeInfo("b", "http://b/", "http://b-local/", "t"))
                .owner(Bucket.of(0), ownerOf00, revision).owner(Bucket.of(1), ownerOf01, revision)
                .revision(revision).build();
    }

    @Test
    void servesOnlyWhenRegisteredAndAssigned() {
        ownership.onMap(map(5, "a", "b"));
        assertThat(ownership.route(Bucket.of(0))).isInstanceOf(Route.Unknown.class);
        ownership.onRegistered();
        assertThat(ownership.route(Bucket.of(0))).isEqualTo(new Route.Local(5));
        assertThat(ownership.route(Bucket.of(1))).isInstanceOfSatisfying(Route.Remote.class,
                r -> assertThat(r.owner().nodeUrl()).isEqualTo("http://b/"));
        assertThat(ownership.route(Bucket.of(2))).isInstanceOf(Route.Unknown.class);
    }

    @Test
    void losingABucketOrTheLeaseReportsExactlyWhatWasLost() {
        ownership.onRegistered();
        ownership.onMap(map(5, "a", "a"));
        assertThat(lost).isEmpty();
        ownership.onMap(map(6, "b", "a"));
        assertThat(lost).containsExactly(Set.of(Bucket.of(0)));
        ownership.onLeaseLost("test");
        assertThat(lost.get(1)).containsExactly(Bucket.of(1));
        assertThat(ownership.ownedBuckets()).isEmpty();
        assertThat(ownership.leaseLosses()).isEqualTo(1);
        assertThat(ownership.route(Bucket.of(1))).isInstanceOf(Route.Unknown.class);
        ownership.onRegistered();
        assertThat(ownership.route(Bucket.of(1))).isEqualTo(new Route.Local(6));
    }

    @Test
    void heldBucketsSurviveAnEmptyMapAndFollowEveryAssigningOne() {
        ownership.onRegistered();
        ownership.onMap(map(5, "a", "b"));
        assertThat(ownership.heldBuckets()).containsExactly("00");
        // etcd lost its data: the new etcd's map assigns nothing; what the node held is still reported
        ownership.onLeaseLost("lease not found");
        ownership.onMap(BucketMap.empty().toBuilder().incarnation(1).revision(3).build());
        assertThat(ownership.heldBuckets()).containsExactly("00");
        assertThat(ownership.ownedBuckets()).isEmpty();
        // the new leader gives it back under generation 2: served again with the new token
        ownership.onRegistered();
        ownership.onMap(map(7, "a", "a").toBuilder().generation(2).incarnation(1).build());
        assertThat(ownership.heldBuckets()).containsExactly("00", "01");
        assertThat(ownership.token(Bucket.of(0))).isEqualTo(dtable.core.cluster.FencingToken.of(2, 7));
        // a map that gives it nothing (drained) empties it
        ownership.onMap(map(8, "b", "b"));
        assertThat(ownership.heldBuckets()).isEmpty();
    }
}
