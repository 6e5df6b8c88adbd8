package dtable.core.etcd;

import static dtable.core.etcd.EtcdTestKeys.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.EtcdKeys;
import dtable.core.cluster.FencingToken;
import dtable.testsupport.EtcdCluster;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The watcher when etcd loses its data underneath it (real etcd, data directory deleted, same ports and
 * cluster token, so the cluster id does not change): the resumed watch waits for a revision the new etcd
 * has not reached, and only the watcher's own checks can notice.
 */
@Tag("integration")
class ClusterWatcherEtcdLossTest {

    private static final Duration DETECT = Duration.ofSeconds(20);

    private EtcdCluster etcd;
    private Client client;
    private final EtcdKeys keys = EtcdTestKeys.freshNamespace();

    @BeforeEach
    void start() {
        etcd = EtcdCluster.start(1);
        client = EtcdClients.connect(etcd.endpoints());
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    /** An old etcd well ahead of where the new one starts: generation 1, bucket 3f at a high revision. */
    private long oldHistory() throws Exception {
        put(client, keys.generation(), "1");
        for (int i = 0; i < 60; i++) {
            put(client, "/elsewhere/filler", Integer.toString(i));
        }
        return put(client, keys.assign(Bucket.of("3f")), "node-1");
    }

    @Test
    void aWipedEtcdIsNoticedWhileTheWatchWaitsSilentlyAndTheNewHistoryIsPublished() throws Exception {
        long assigned = oldHistory();
        try (ClusterWatcher watcher = ClusterWatcher.start(client, keys)) {
            List<BucketMap> seen = new CopyOnWriteArrayList<>();
            watcher.addListener(seen::add);
            await().atMost(DETECT).until(() -> watcher.current().revision() >= assigned && watcher.isFresh());
            assertThat(watcher.current().token(Bucket.of("3f"))).isEqualTo(FencingToken.of(1, assigned));

            etcd.wipe();

            // nothing is written to the new etcd: the watch (resumed at assigned + 1) would wait forever
            await().atMost(DETECT).until(() -> watcher.replacementCount() == 1);
            BucketMap empty = watcher.current();
            assertThat(empty.incarnation()).isEqualTo(1);
            assertThat(empty.assignment()).isEmpty();
            assertThat(empty.generation()).isZero();
            assertThat(empty.revision()).isLessThan(assigned);
            // the lower revision of the new etcd reached the listeners, not dropped as old news
            await().atMost(DETECT).until(() -> seen.getLast().incarnation() == 1);

            // the new etcd's history is followed from there: the monitor's generation, then assignments
            long generation = put(client, keys.generation(), "2");
            long reassigned = put(client, keys.assign(Bucket.of("3f")), "node-2");
            assertThat(reassigned).isLessThan(assigned);
            await().atMost(DETECT).until(() -> "node-2".equals(watcher.current().owner(Bucket.of("3f"))));
            BucketMap now = watcher.current();
            assertThat(now.generation()).isEqualTo(2);
            assertThat(now.token(Bucket.of("3f"))).isEqualTo(FencingToken.of(2, reassigned))
                    .isGreaterThan(FencingToken.of(1, assigned));
            assertThat(watcher.awaitGeneration(2, Duration.ofSeconds(1)).revision()).isGreaterThanOrEqualTo(generation);
            assertThat(watcher.replacementCount()).isEqualTo(1);
            assertThat(seen.getLast().owner(Bucket.of("3f"))).isEqualTo("node-2");
        }
    }

    @Test
    void aWipedEtcdThatIsWrittenBeforeTheWatcherLooksIsStillNoticed() throws Exception {
        long assigned = oldHistory();
        try (ClusterWatcher watcher = ClusterWatcher.start(client, keys)) {
            await().atMost(DETECT).until(() -> watcher.current().revision() >= assigned && watcher.isFresh());

            etcd.wipe();
            put(client, keys.generation(), "2");
            put(client, keys.node("node-2"), "{\"node_url\":\"http://b\",\"held_buckets\":[\"3f\"]}");

            await().atMost(DETECT).until(() -> watcher.current().generation() == 2
                    && watcher.current().nodes().containsKey("node-2"));
            assertThat(watcher.replacementCount()).isEqualTo(1);
            assertThat(watcher.current().assignment()).isEmpty();
            assertThat(watcher.current().nodes().get("node-2").heldBuckets()).containsExactly("3f");
        }
    }
}
