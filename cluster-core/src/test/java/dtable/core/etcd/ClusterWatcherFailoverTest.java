package dtable.core.etcd;

import static dtable.core.etcd.EtcdTestKeys.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.EtcdKeys;
import dtable.testsupport.EtcdExtension;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The watcher when its etcd member goes away: it keeps the last snapshot while the member is down,
 * and when the member comes back it resumes, or re-reads when the cluster compacted meanwhile.
 */
@Tag("integration")
class ClusterWatcherFailoverTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(3);

    private static final Duration WAIT = Duration.ofSeconds(30);

    private EtcdKeys keys;
    /** The watcher talks to member 0 only (the member the tests stop); the writer to the two others. */
    private Client watcherClient;
    private Client writer;
    private ClusterWatcher watcher;

    @BeforeEach
    void allMembersRunningAndAWatcherOnMemberZero() {
        if (!etcd.cluster().isRunning(0)) {
            etcd.cluster().startMember(0);
        }
        keys = EtcdTestKeys.freshNamespace();
        watcherClient = EtcdClients.connect(List.of(etcd.cluster().endpoint(0)));
        writer = EtcdClients.connect(List.of(etcd.cluster().endpoint(1), etcd.cluster().endpoint(2)));
        watcher = ClusterWatcher.start(watcherClient, keys);
    }

    @AfterEach
    void closeWatcherAndClients() {
        watcher.close();
        writer.close();
        watcherClient.close();
    }

    /** Waits until the survivors have a leader again, so writes go through instead of timing out. */
    private static void awaitSurvivorsHealthy() {
        etcd.cluster().awaitHealthy(1, WAIT);
        etcd.cluster().awaitHealthy(2, WAIT);
    }

    @Test
    void keepsTheLastSnapshotWhileItsMemberIsDownAndResumesWithoutLosingChanges() throws Exception {
        long before = put(writer, keys.assign(Bucket.of("10")), "node-1");
        BucketMap seen = watcher.awaitRevision(before, WAIT);
        await().atMost(WAIT).until(watcher::isFresh);

        etcd.cluster().killMember(0);
        await().atMost(WAIT).until(() -> !watcher.isFresh());
        awaitSurvivorsHealthy();
        long during = put(writer, keys.assign(Bucket.of("11")), "node-2");
        assertThat(watcher.current()).isSameAs(seen);
        assertThat(watcher.isReady()).isTrue();

        etcd.cluster().startMember(0);
        BucketMap resumed = watcher.awaitRevision(during, WAIT);
        assertThat(resumed.assignment()).containsOnlyKeys(Bucket.of("10"), Bucket.of("11"));
        assertThat(resumed.token(Bucket.of("11"))).isEqualTo(during);
        assertThat(watcher.relistCount()).isEqualTo(1);
        await().atMost(WAIT).until(watcher::isFresh);
    }

    @Test
    void reReadsTheNamespaceWhenTheClusterCompactedWhileItsMemberWasDown() throws Exception {
        watcher.awaitRevision(put(writer, keys.assign(Bucket.of("20")), "node-1"), WAIT);

        etcd.cluster().stopMember(0);
        awaitSurvivorsHealthy();
        put(writer, keys.assign(Bucket.of("20")), "node-2");
        put(writer, keys.assign(Bucket.of("21")), "node-2");
        long last = EtcdTestKeys.delete(writer, keys.assign(Bucket.of("20")));
        writer.getKVClient().compact(last).get(5, TimeUnit.SECONDS);

        etcd.cluster().startMember(0);
        BucketMap map = watcher.awaitRevision(last, WAIT);

        assertThat(map.assignment()).containsOnly(java.util.Map.entry(Bucket.of("21"), "node-2"));
        assertThat(watcher.relistCount()).isEqualTo(2);
    }
}
