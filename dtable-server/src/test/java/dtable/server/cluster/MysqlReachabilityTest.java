package dtable.server.cluster;

import static dtable.server.cluster.MysqlReachability.Action.NONE;
import static dtable.server.cluster.MysqlReachability.Action.REJOIN;
import static dtable.server.cluster.MysqlReachability.Action.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;

import dtable.testsupport.SettableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MysqlReachabilityTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final MysqlReachability reachability = new MysqlReachability(Duration.ofSeconds(10), clock);

    @Test
    void releasesOnceAfterTheTimeOfFailedChecksInARowAndRejoinsWhenMysqlAnswers() {
        assertThat(check(true, true)).isEqualTo(NONE);
        for (int i = 0; i < 9; i++) {
            assertThat(check(false, true)).isEqualTo(NONE);
        }
        assertThat(reachability.unreachableFor()).isEqualTo(Duration.ofSeconds(9));
        clock.advance(Duration.ofSeconds(1));
        assertThat(check(false, true)).isEqualTo(RELEASE);
        assertThat(check(false, true)).isEqualTo(NONE);
        assertThat(reachability.released()).isTrue();
        assertThat(check(true, true)).isEqualTo(REJOIN);
        assertThat(check(true, true)).isEqualTo(NONE);
        assertThat(reachability.unreachableFor()).isZero();
    }

    @Test
    void oneSuccessStartsTheCountAgain() {
        for (int i = 0; i < 8; i++) {
            check(false, true);
        }
        check(true, true);
        for (int i = 0; i < 9; i++) {
            assertThat(check(false, true)).isEqualTo(NONE);
        }
    }

    @Test
    void keepsTheBucketsWhenNoOtherNodeCouldTakeThem() {
        for (int i = 0; i < 30; i++) {
            assertThat(check(false, false)).isEqualTo(NONE);
        }
        assertThat(check(false, true)).as("another node came up: now it helps to let go").isEqualTo(RELEASE);
    }

    @Test
    void aHangingCheckCountsFromItsStart() {
        Instant started = clock.instant();
        clock.advance(Duration.ofSeconds(3)); // the first failing check hung for 3 s
        assertThat(reachability.onCheck(false, true, started)).isEqualTo(NONE);
        assertThat(reachability.unreachableFor()).isEqualTo(Duration.ofSeconds(3));
        clock.advance(Duration.ofSeconds(7));
        assertThat(reachability.onCheck(false, true, clock.instant())).isEqualTo(RELEASE);
    }

    @Test
    void writesAreRefusedOnceChecksHaveFailedForTheGraceUntilOneSucceeds() {
        assertThat(reachability.writable()).isTrue();
        check(true, true);
        assertThat(reachability.writable()).isTrue();
        check(false, false); // one failed check: not yet evidence enough to refuse writes
        assertThat(reachability.writable()).isTrue();
        check(false, false);
        check(false, false); // failing for 2 s, then 3 s (no other node: no release, but writes are refused)
        assertThat(reachability.writable()).isFalse();
        for (int i = 0; i < 20; i++) {
            check(false, true);
            assertThat(reachability.writable()).isFalse();
        }
        assertThat(reachability.released()).isTrue();
        assertThat(check(true, true)).isEqualTo(REJOIN);
        assertThat(reachability.writable()).isTrue();
    }

    @Test
    void aSlowCheckAloneRefusesNothingButAHangPastTheGraceDoes() {
        Instant started = clock.instant();
        clock.advance(Duration.ofMillis(1500));
        reachability.onCheck(false, true, started);
        assertThat(reachability.writable()).isTrue();
        clock.advance(MysqlReachability.REFUSE_WRITES_AFTER.minusMillis(1500));
        reachability.onCheck(false, true, clock.instant());
        assertThat(reachability.writable()).isFalse();
        reachability.onCheck(true, true, clock.instant());
        assertThat(reachability.writable()).isTrue();
    }

    @Test
    void zeroNeverReleases() {
        MysqlReachability never = new MysqlReachability(Duration.ZERO, clock);
        for (int i = 0; i < 100; i++) {
            clock.advance(Duration.ofSeconds(10));
            assertThat(never.onCheck(false, true)).isEqualTo(NONE);
        }
    }

    private MysqlReachability.Action check(boolean reachable, boolean others) {
        MysqlReachability.Action action = reachability.onCheck(reachable, others);
        clock.advance(Duration.ofSeconds(1));
        return action;
    }
}
