package dtable.core.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.core.etcd.LeaseKeeper.Outcome;
import dtable.core.etcd.LeaseKeeper.Renewal;
import dtable.testsupport.SettableClock;
import io.etcd.jetcd.common.exception.ClosedClientException;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class LeaseKeeperTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(10);
    private static final Duration FENCE = Duration.ofSeconds(8);
    private static final long LEASE = 0x42;

    private final SettableClock clock = new SettableClock(T0);
    /** The answers the fake etcd gives, completed by the test when it wants them to "arrive". */
    private final Deque<CompletableFuture<Long>> calls = new ArrayDeque<>();

    /** Sends a keep-alive now; etcd renews it for 10 s at once, and the answer is recorded. */
    private void sendAndRenew(LeaseKeeper keeper) {
        CompletableFuture<Renewal> renewal = keeper.send();
        calls.removeLast().complete(10L);
        keeper.record(renewal.join());
    }

    private LeaseKeeper keeper(Duration trustFor) {
        return new LeaseKeeper(lease -> {
            CompletableFuture<Long> answer = new CompletableFuture<>();
            calls.add(answer);
            return answer;
        }, LEASE, TTL, trustFor, clock, T0, () -> 1.0);
    }

    /**
     * The deadline is anchored at the request's send time, not at the answer's arrival: etcd may have renewed the
     * lease right after the request left, so a 3 s round trip must not add 3 s of trust. Anchored at arrival (as the
     * node's keep-alive deadline used to be) the lease would still count as held at T0 + 11 s, a second after etcd
     * may have expired it (sent at T0 + 1 s, TTL 10 s) and given its buckets to another node.
     */
    @Test
    void aSlowAnswerCountsFromWhenItsRequestWasSent() {
        LeaseKeeper keeper = keeper(FENCE);
        clock.set(T0.plusSeconds(1));
        CompletableFuture<Renewal> renewal = keeper.send();
        clock.set(T0.plusSeconds(4)); // the answer arrives 3 s later
        calls.remove().complete(10L);
        keeper.record(renewal.join());

        assertThat(keeper.validUntil()).isEqualTo(T0.plusSeconds(1).plus(FENCE));
        assertThat(keeper.expired(T0.plusMillis(8999))).isFalse();
        assertThat(keeper.expired(T0.plusSeconds(9))).isTrue();
        assertThat(keeper.expired(T0.plusSeconds(11))).isTrue();
        assertThat(keeper.silence(T0.plusSeconds(9))).isEqualTo(FENCE);
    }

    @Test
    void withoutAnAnswerTheGrantsSendTimeIsTheAnchor() {
        LeaseKeeper keeper = keeper(FENCE);

        assertThat(keeper.expired(T0.plus(FENCE).minusMillis(1))).isFalse();
        assertThat(keeper.expired(T0.plus(FENCE))).isTrue();
    }

    @Test
    void aMonitorTrustsTheWholeTtlButNeverMoreThanEtcdGranted() {
        LeaseKeeper keeper = keeper(TTL);
        clock.set(T0.plusSeconds(2));
        CompletableFuture<Renewal> renewal = keeper.send();
        calls.remove().complete(6L); // etcd answers with less than the TTL asked for
        keeper.record(renewal.join());

        assertThat(keeper.validUntil()).isEqualTo(T0.plusSeconds(10)); // the grant's T0 + 10 s is still later
        clock.set(T0.plusSeconds(5));
        CompletableFuture<Renewal> later = keeper.send();
        calls.remove().complete(10L);
        keeper.record(later.join());
        assertThat(keeper.validUntil()).isEqualTo(T0.plusSeconds(15));
    }

    @Test
    void anOlderAnswerArrivingLastCannotShortenTheDeadline() {
        LeaseKeeper keeper = keeper(FENCE);
        clock.set(T0.plusSeconds(1));
        CompletableFuture<Renewal> first = keeper.send();
        clock.set(T0.plusSeconds(3));
        CompletableFuture<Renewal> second = keeper.send();
        calls.removeLast().complete(10L);
        calls.removeFirst().complete(10L);
        keeper.record(second.join());
        keeper.record(first.join());

        assertThat(keeper.validUntil()).isEqualTo(T0.plusSeconds(3).plus(FENCE));
    }

    @Test
    void sendsEveryQuarterOfTheFenceTimeAndGivesACallUpAfterTwoPeriods() {
        LeaseKeeper keeper = keeper(FENCE);

        assertThat(keeper.period()).isEqualTo(Duration.ofSeconds(2));
        assertThat(keeper.callTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(keeper.due(T0)).isTrue();
        sendAndRenew(keeper);
        assertThat(keeper.due(T0.plusMillis(1999))).isFalse();
        assertThat(keeper.due(T0.plusSeconds(2))).isTrue();
        // never less often than every TTL / 3, whatever the trust
        assertThat(new LeaseKeeper(lease -> new CompletableFuture<>(), LEASE, Duration.ofSeconds(3),
                Duration.ofSeconds(3), clock, T0).period()).isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void afterAFailedCallTheNextGoesOutAfterAQuarterPeriod() {
        LeaseKeeper keeper = keeper(FENCE); // period 2 s
        CompletableFuture<Renewal> failed = keeper.send();
        calls.remove().completeExceptionally(Status.UNAVAILABLE.withDescription("etcdserver: no leader").asRuntimeException());
        keeper.record(failed.join());

        assertThat(keeper.due(T0.plusMillis(499))).isFalse();
        assertThat(keeper.due(T0.plusMillis(500))).isTrue();
        clock.set(T0.plusMillis(500));
        sendAndRenew(keeper);
        assertThat(keeper.due(T0.plusMillis(1000))).isFalse(); // answered: back to one call a period
        assertThat(keeper.due(T0.plusMillis(2500))).isTrue();
    }

    @Test
    void theWaitBetweenCallsIsDrawnBetweenFourFifthsAndAWholePeriod() {
        LeaseKeeper keeper = new LeaseKeeper(lease -> CompletableFuture.completedFuture(10L), LEASE, TTL, FENCE, clock,
                T0);
        for (int i = 0; i < 50; i++) {
            Instant sent = clock.instant();
            keeper.record(keeper.send().join());
            assertThat(keeper.due(sent.plusMillis(1599))).isFalse();
            assertThat(keeper.due(sent.plusMillis(2000))).isTrue();
            clock.set(sent.plusSeconds(2));
        }
    }

    /**
     * A call that has not been answered after half a period is probably stuck on a member that cannot answer (cut off
     * from its peers, or forwarding to a leader that is gone): the next call goes out then, to the next member,
     * instead of a whole period after it; and once the newest call is answered, the period is the rule again.
     */
    @Test
    void whileTheLastCallIsUnansweredTheNextGoesOutAfterHalfAPeriod() {
        LeaseKeeper keeper = keeper(FENCE); // period 2 s, calls given up after 4 s
        CompletableFuture<Renewal> stuck = keeper.send();

        assertThat(keeper.due(T0.plusMillis(999))).isFalse();
        assertThat(keeper.due(T0.plusSeconds(1))).isTrue();
        clock.set(T0.plusSeconds(1));
        sendAndRenew(keeper);

        assertThat(keeper.validUntil()).isEqualTo(T0.plusSeconds(1).plus(FENCE));
        assertThat(keeper.due(T0.plusMillis(2999))).isFalse(); // answered: a whole period after it
        assertThat(keeper.due(T0.plusSeconds(3))).isTrue();
        // the stuck call's late answer changes neither the deadline nor the sending
        calls.remove().complete(10L);
        keeper.record(stuck.join());
        assertThat(keeper.validUntil()).isEqualTo(T0.plusSeconds(1).plus(FENCE));
        assertThat(keeper.due(T0.plusMillis(2999))).isFalse();
    }

    @Test
    void classifiesWhatEtcdAnswered() {
        LeaseKeeper keeper = keeper(FENCE);
        CompletableFuture<Renewal> gone = keeper.send();
        calls.remove().complete(0L);
        CompletableFuture<Renewal> error = keeper.send();
        calls.remove().completeExceptionally(Status.UNAVAILABLE.withDescription("etcdserver: no leader").asRuntimeException());
        CompletableFuture<Renewal> closed = keeper.send();
        calls.remove().completeExceptionally(new ClosedClientException("closed"));
        CompletableFuture<Renewal> shutDown = keeper.send(); // what keepAliveOnce reports after Client.close()
        calls.remove().completeExceptionally(Status.UNAVAILABLE.withDescription("Channel shutdown invoked").asRuntimeException());

        assertThat(gone.join().outcome()).isEqualTo(Outcome.GONE);
        assertThat(error.join().outcome()).isEqualTo(Outcome.NO_ANSWER);
        assertThat(error.join().detail()).contains("no leader");
        assertThat(closed.join().outcome()).isEqualTo(Outcome.CLIENT_CLOSED);
        assertThat(shutDown.join().outcome()).isEqualTo(Outcome.CLIENT_CLOSED);
        keeper.record(error.join());
        assertThat(keeper.validUntil()).isEqualTo(T0.plus(FENCE)); // an error is not a renewal
    }

    @Test
    void anAnswerForAnotherLeaseChangesNothing() {
        LeaseKeeper keeper = keeper(FENCE);
        keeper.record(new Renewal(LEASE + 1, T0.plusSeconds(5), Outcome.RENEWED, 10, "other"));

        assertThat(keeper.validUntil()).isEqualTo(T0.plus(FENCE));
    }

    @Test
    void rejectsATrustLongerThanTheTtlOrNotPositive() {
        assertThatThrownBy(() -> keeper(TTL.plusMillis(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keeper(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
