package dtable.monitor.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.cluster.BucketMap;
import dtable.core.cluster.NodeInfo;
import dtable.core.etcd.LeaderGuard;
import dtable.core.etcd.MonotonicClock;
import dtable.monitor.election.LeadershipState;
import dtable.monitor.election.MonitorIdentity;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A proxy's report brings the leader's next two rounds forward (now, and half an interval later), on the real
 * clock; the regular rounds are not started here, so every probe below is one a report caused. The verdict stays
 * the leader's own: a reported node that accepts keeps its lease.
 */
class FastFailoverReportTest {

    private static final Duration INTERVAL = Duration.ofSeconds(4);
    private static final String N1 = "http://n1.local:5000/";
    private static final String N2 = "http://n2.local:5001/";

    private final LeadershipState leadership = new LeadershipState(new MonitorIdentity("m1", "http://m1/"),
            MonotonicClock.get());
    private final Map<String, ProbeResult> answers = new ConcurrentHashMap<>(
            Map.of(N1, ProbeResult.ACCEPTED, N2, ProbeResult.ACCEPTED));
    private final List<String> revoked = new CopyOnWriteArrayList<>();
    private final BucketMap map = BucketMap.empty().toBuilder()
            .node(new NodeInfo("n1", "http://n1/", N1, "t"))
            .node(new NodeInfo("n2", "http://n2/", N2, "t"))
            .build();
    private final FastFailover failover = new FastFailover(() -> map, leadership, answers::get, (node, guard) -> {
        revoked.add(node);
        return LeaseRevoker.Outcome.REVOKED;
    }, MonotonicClock.get(), INTERVAL, Duration.ofSeconds(1));

    @AfterEach
    void close() {
        failover.close();
    }

    @Test
    void aReportedNodeThatRefusesTheLeadersOwnProbesLosesItsLeaseWithinHalfAnInterval() {
        failover.reported("n1");
        assertThat(failover.reports()).as("a follower ignores reports").isZero();

        leadership.campaigning(MonotonicClock.get().instant().plusSeconds(600), "test");
        leadership.elected(new LeaderGuard(ByteSequence.from("/t/monitor/election/1", StandardCharsets.UTF_8), 7));
        failover.reported("n1"); // n1 still accepts: its probes arm it, and nothing is revoked
        await().atMost(Duration.ofSeconds(10)).until(() -> failover.armedNodes().containsAll(List.of("n1", "n2")));

        answers.put(N1, ProbeResult.REFUSED);
        long reportedAt = awaitSecondReport();
        await().atMost(INTERVAL.plusSeconds(4)).until(() -> !revoked.isEmpty());
        long tookMillis = (System.nanoTime() - reportedAt) / 1_000_000;

        assertThat(revoked).containsExactly("n1");
        // two refusals at least half an interval apart: the second early round, not a regular one (none run here)
        assertThat(tookMillis).isBetween(INTERVAL.dividedBy(2).toMillis() - 100, INTERVAL.toMillis());
    }

    /** Reports again once the first report's early rounds are over; returns when the second report was taken. */
    private long awaitSecondReport() {
        long[] at = {0};
        await().atMost(INTERVAL.multipliedBy(2)).pollInterval(Duration.ofMillis(20)).until(() -> {
            at[0] = System.nanoTime();
            failover.reported("n1");
            return failover.reports() == 2;
        });
        return at[0];
    }
}
