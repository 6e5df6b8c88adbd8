package dtable.server.cluster;

import static dtable.server.cluster.MysqlReachability.Action.NONE;
import static dtable.server.cluster.MysqlReachability.Action.REJOIN;
import static dtable.server.cluster.MysqlReachability.Action.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import dtable.testsupport.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The MySQL probe against a hung database: a ping that does not answer counts as a failure after 1.5 s,
 * is not started again while it hangs, and the outage counts from when it started; once it answers, the
 * node may rejoin. (Each hung check waits its real 1.5 s.)
 */
class MysqlProbeTest {

    @Test
    void aHungPingIsOneFailureFromItsStartAndIsNotPiledUp() throws Exception {
        SettableClock clock = new SettableClock(Instant.parse("2025-01-01T00:00:00Z"));
        CountDownLatch answer = new CountDownLatch(1);
        AtomicInteger pings = new AtomicInteger();
        try (MysqlProbe probe = new MysqlProbe(timeout -> {
            pings.incrementAndGet();
            try {
                return answer.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return false;
            }
        }, Duration.ofSeconds(5), clock)) {
            assertThat(probe.check(true)).isEqualTo(NONE);
            clock.advance(Duration.ofSeconds(6));

            assertThat(probe.check(true)).as("6 s since the hung ping started").isEqualTo(RELEASE);
            assertThat(probe.unreachableFor()).isEqualTo(Duration.ofSeconds(6));
            assertThat(pings).as("the hung ping was not started again").hasValue(1);

            answer.countDown();
            assertThat(probe.check(true)).isEqualTo(REJOIN);
            assertThat(probe.check(true)).isEqualTo(NONE);
            assertThat(pings).hasValue(2);
        }
    }

    @Test
    void aFailingPingIsAFailureAndIsRetriedAtTheNextCheck() {
        SettableClock clock = new SettableClock(Instant.parse("2025-01-01T00:00:00Z"));
        AtomicInteger pings = new AtomicInteger();
        try (MysqlProbe probe = new MysqlProbe(timeout -> {
            pings.incrementAndGet();
            throw new IllegalStateException("connection refused");
        }, Duration.ofSeconds(5), clock)) {
            assertThat(probe.check(false)).isEqualTo(NONE);
            clock.advance(Duration.ofSeconds(10));
            assertThat(probe.check(false)).as("no other node to take the buckets").isEqualTo(NONE);
            assertThat(probe.check(true)).isEqualTo(RELEASE);
            assertThat(pings).hasValue(3);
        }
    }
}
