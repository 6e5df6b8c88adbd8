package dtable.monitor;

import static dtable.monitor.MonitorTestSupport.allOwnedBy;
import static dtable.monitor.MonitorTestSupport.awaitLeader;
import static dtable.monitor.MonitorTestSupport.freshKeys;
import static dtable.monitor.MonitorTestSupport.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.cluster.EtcdKeys;
import dtable.core.etcd.EtcdClients;
import dtable.testsupport.EtcdExtension;
import io.etcd.jetcd.Client;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Measures, with a real etcd, the time from a node's crash (its keep-alive stops; nothing is revoked)
 * to the moment the monitor's watch shows every one of its buckets on the surviving node, for lease
 * TTLs of 10 s (the default) and 3 s. Also splits it into lease expiry (the node key disappears from
 * the watch) and the monitor's reaction. Results go to {@code target/failover-benchmark.md}; runs per
 * TTL: {@code -Dfailover.runs=N} (default 2).
 */
@Tag("integration")
@Tag("benchmark")
class FailoverBenchmarkTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    private static final int RUNS = Integer.getInteger("failover.runs", 2);

    record Sample(Duration ttl, Duration toExpiry, Duration toReassigned) {
    }

    @Test
    void killToReassignment() throws Exception {
        List<Sample> samples = new ArrayList<>();
        for (int ttl : new int[] {10, 3}) {
            for (int run = 0; run < RUNS; run++) {
                samples.add(measure(Duration.ofSeconds(ttl)));
            }
        }
        StringBuilder report = new StringBuilder("| lease TTL | run | kill → lease expired (watch) | kill → all buckets reassigned |\n")
                .append("|---|---|---|---|\n");
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            report.append("| ").append(s.ttl().toSeconds()).append(" s | ").append(i % RUNS + 1).append(" | ")
                    .append(s.toExpiry().toMillis()).append(" ms | ").append(s.toReassigned().toMillis()).append(" ms |\n");
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "failover-benchmark.md"), report);
        System.out.println(report);
        for (Sample s : samples) {
            // a crash is noticed at most one TTL after the last keep-alive; the monitor adds well under a second
            assertThat(s.toReassigned()).as("kill to reassignment, TTL " + s.ttl()).isLessThanOrEqualTo(s.ttl().plusSeconds(1));
            assertThat(s.toReassigned().minus(s.toExpiry())).as("monitor reaction").isLessThan(Duration.ofSeconds(1));
        }
    }

    private Sample measure(Duration ttl) throws Exception {
        EtcdKeys keys = freshKeys();
        try (Client client = EtcdClients.connect(etcd.endpoints()); FakeNodes nodes = new FakeNodes(client, keys)) {
            ClusterMonitor monitor = MonitorTestSupport.start(client, keys, settings("bench", Duration.ofSeconds(10), false));
            try {
                awaitLeader(List.of(monitor), Duration.ofSeconds(10));
                nodes.join("node-a", ttl);
                nodes.join("node-b", ttl);
                await().atMost(Duration.ofSeconds(10)).until(() -> monitor.snapshot().nodes().size() == 2
                        && allOwnedBy(monitor.snapshot(), Set.of("node-a", "node-b")));
                monitor.decide(c -> c.rebalance(null, "rebalance"));
                // timestamps taken on the watcher's listener thread, the moment each snapshot arrives
                AtomicReference<Instant> expired = new AtomicReference<>();
                AtomicReference<Instant> reassigned = new AtomicReference<>();
                monitor.addSnapshotListener(map -> {
                    if (!map.nodes().containsKey("node-a")) {
                        expired.compareAndSet(null, Instant.now());
                        if (allOwnedBy(map, Set.of("node-b"))) {
                            reassigned.compareAndSet(null, Instant.now());
                        }
                    }
                });
                Instant killed = nodes.kill("node-a");
                await().atMost(ttl.plusSeconds(10)).until(() -> reassigned.get() != null);
                return new Sample(ttl, Duration.between(killed, expired.get()), Duration.between(killed, reassigned.get()));
            } finally {
                monitor.close();
            }
        }
    }
}
