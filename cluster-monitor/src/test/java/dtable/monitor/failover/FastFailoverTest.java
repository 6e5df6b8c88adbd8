package dtable.monitor.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.cluster.BucketMap;
import dtable.core.cluster.NodeInfo;
import dtable.core.etcd.LeaderGuard;
import dtable.monitor.election.LeadershipState;
import dtable.monitor.election.MonitorIdentity;
import dtable.testsupport.SettableClock;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probing loop, round by round with a fake probe, a fake revoker and a hand-driven clock (no sleeping). */
class FastFailoverTest {

    private static final Duration INTERVAL = Duration.ofMillis(300);
    private static final LeaderGuard GUARD =
            new LeaderGuard(ByteSequence.from("/t/monitor/election/1", StandardCharsets.UTF_8), 7);

    private final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final LeadershipState leadership = new LeadershipState(new MonitorIdentity("m1", "http://m1/"), clock);
    private final Map<String, ProbeResult> answers = new ConcurrentHashMap<>();
    private final List<String> revoked = new ArrayList<>();
    private LeaseRevoker.Outcome outcome = LeaseRevoker.Outcome.REVOKED;
    private BucketMap map = BucketMap.empty().toBuilder()
            .node(new NodeInfo("n1", "http://n1/", "http://n1.local:5000/", "t"))
            .node(new NodeInfo("n2", "http://n2/", "http://n2.local:5001/", "t"))
            .build();
    private final FastFailover failover = new FastFailover(() -> map, leadership,
            url -> answers.getOrDefault(url, ProbeResult.NO_ANSWER), (node, guard) -> {
                assertThat(guard).isEqualTo(GUARD);
                revoked.add(node);
                return outcome;
            }, clock, INTERVAL, Duration.ofSeconds(5));

    @AfterEach
    void close() {
        failover.close();
    }

    @Test
    void theLeaderRevokesTheLeaseOfANodeWhosePortRefusedTwice() {
        lead();
        armBoth();
        answer(ProbeResult.REFUSED, ProbeResult.ACCEPTED);
        round();
        assertThat(revoked).isEmpty();
        round();
        assertThat(revoked).containsExactly("n1");
        assertThat(failover.revocations()).isEqualTo(1);
        // the watch has not reported the departure yet: the same evidence is not acted on twice
        round();
        round();
        assertThat(revoked).containsExactly("n1");
    }

    @Test
    void aFollowerNeverRevokesAndForgetsWhatItSawAsLeader() {
        armBoth();
        answer(ProbeResult.REFUSED, ProbeResult.ACCEPTED);
        round();
        round();
        round();
        assertThat(revoked).isEmpty();

        lead();
        armBoth();
        answer(ProbeResult.REFUSED, ProbeResult.ACCEPTED);
        round();
        leadership.stepDown(-1, "test");
        round();
        lead();
        round();
        assertThat(revoked).as("the refusal seen in the previous term does not count in the new one").isEmpty();
    }

    @Test
    void aFrozenOrUnreachableNodeKeepsItsLease() {
        lead();
        armBoth();
        answer(ProbeResult.NO_ANSWER, ProbeResult.ACCEPTED);
        for (int i = 0; i < 50; i++) {
            round();
        }
        assertThat(revoked).isEmpty();
    }

    @Test
    void aProbeThatHangsPastTheTimeoutIsNoAnswer() {
        FastFailover slow = new FastFailover(() -> map, leadership, url -> {
            try {
                Thread.sleep(url.contains("n1") ? 5_000 : 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ProbeResult.REFUSED;
        }, (node, guard) -> {
            revoked.add(node);
            return LeaseRevoker.Outcome.REVOKED;
        }, clock, INTERVAL, Duration.ofMillis(50));
        try {
            lead();
            for (int i = 0; i < 3; i++) {
                clock.advance(INTERVAL);
                slow.round();
            }
            assertThat(revoked).isEmpty();
        } finally {
            slow.close();
        }
    }

    @Test
    void aRefusedGuardStopsTheRound() {
        lead();
        armBoth();
        answer(ProbeResult.REFUSED, ProbeResult.REFUSED);
        map = map.toBuilder().node(new NodeInfo("n3", "http://n3/", "http://n3.local:5002/", "t")).build();
        answers.put("http://n3.local:5002/", ProbeResult.ACCEPTED);
        round();
        outcome = LeaseRevoker.Outcome.NOT_LEADER;
        round(); // n1 and n2 are proven dead (n3 accepted); the first revocation finds this monitor deposed
        assertThat(revoked).as("after NOT_LEADER the round stops").containsExactly("n1");
        revoked.clear();
        round();
        round();
        assertThat(revoked).as("and the evidence is dropped").isEmpty();
    }

    @Test
    void aNodeWithoutLocalUrlIsNotProbed() {
        lead();
        map = BucketMap.empty().toBuilder().node(new NodeInfo("n1", "http://n1/", null, "t")).build();
        answers.put("null", ProbeResult.REFUSED);
        for (int i = 0; i < 5; i++) {
            round();
        }
        assertThat(revoked).isEmpty();
    }

    private void lead() {
        leadership.campaigning(clock.instant().plusSeconds(10), "test");
        leadership.elected(GUARD);
    }

    private void answer(ProbeResult n1, ProbeResult n2) {
        answers.put("http://n1.local:5000/", n1);
        answers.put("http://n2.local:5001/", n2);
    }

    /** A round in which both nodes accept: from then on their refusals count (they are armed). */
    private void armBoth() {
        answer(ProbeResult.ACCEPTED, ProbeResult.ACCEPTED);
        round();
    }

    private void round() {
        clock.advance(INTERVAL);
        failover.round();
    }
}
