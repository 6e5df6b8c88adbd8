package dtable.monitor;

import static org.awaitility.Awaitility.await;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.EtcdKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Small helpers shared by the monitor's integration tests. */
final class MonitorTestSupport {

    private MonitorTestSupport() {
    }

    static EtcdKeys freshKeys() {
        return new EtcdKeys("/test-" + UUID.randomUUID().toString().substring(0, 8) + "/");
    }

    static MonitorSettings settings(String id, Duration electionTtl, boolean autoRebalance) {
        return new MonitorSettings(id, "http://127.0.0.1:1/" + id, electionTtl, Duration.ofSeconds(1), autoRebalance, 0);
    }

    static ClusterMonitor awaitLeader(Collection<ClusterMonitor> monitors, Duration atMost) {
        return await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(
                () -> monitors.stream().filter(m -> m.leadership().isLeader()).findFirst().orElse(null),
                java.util.Objects::nonNull);
    }

    static Map<String, Integer> counts(BucketMap map) {
        Map<String, Integer> counts = new TreeMap<>();
        map.assignment().values().forEach(owner -> counts.merge(owner, 1, Integer::sum));
        return counts;
    }

    static boolean allOwnedBy(BucketMap map, Collection<String> nodes) {
        return Bucket.all().stream().allMatch(b -> map.owner(b) != null && nodes.contains(map.owner(b)));
    }

    static ClusterMonitor start(io.etcd.jetcd.Client client, EtcdKeys keys, MonitorSettings settings) {
        return start(client, keys, settings, new dtable.monitor.generation.InMemoryGenerationLedger());
    }

    /** With MySQL's side of the generation given (monitors of one cluster share one ledger, as one database). */
    static ClusterMonitor start(io.etcd.jetcd.Client client, EtcdKeys keys, MonitorSettings settings,
                                dtable.monitor.generation.GenerationLedger ledger) {
        return ClusterMonitor.start(client, keys, settings, ledger, Clock.systemUTC());
    }
}
