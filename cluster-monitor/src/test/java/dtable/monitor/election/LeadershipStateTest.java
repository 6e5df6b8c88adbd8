package dtable.monitor.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.core.etcd.LeaderGuard;
import dtable.testsupport.SettableClock;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeadershipStateTest {

    private final Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
    private final LeaderGuard guard = new LeaderGuard(ByteSequence.from("/e/1", StandardCharsets.UTF_8), 7);

    private LeadershipState state(Clock clock) {
        return new LeadershipState(new MonitorIdentity("m1", "http://m1/"), clock);
    }

    @Test
    void followsTheLegalPathAndCountsTerms() {
        LeadershipState state = state(Clock.fixed(t0, ZoneOffset.UTC));
        List<LeadershipChange> seen = new ArrayList<>();
        state.addListener(seen::add);
        assertThat(state.guardIfLeader()).isEmpty();

        state.campaigning(t0.plusSeconds(10), "start");
        state.elected(guard);
        assertThat(state.role()).isEqualTo(MonitorRole.LEADER);
        assertThat(state.guardIfLeader()).get().satisfies(l -> {
            assertThat(l.guard()).isEqualTo(guard);
            assertThat(l.term()).isEqualTo(1);
        });
        assertThat(state.stepDown(1, "lost")).isTrue();
        state.campaigning(t0.plusSeconds(10), "again");
        state.elected(guard);
        assertThat(state.term()).isEqualTo(2);
        assertThat(seen).extracting(LeadershipChange::to).containsExactly(MonitorRole.CANDIDATE, MonitorRole.LEADER,
                MonitorRole.FOLLOWER, MonitorRole.CANDIDATE, MonitorRole.LEADER);
    }

    @Test
    void aStaleTermCannotDeposeTheCurrentOne() {
        LeadershipState state = state(Clock.fixed(t0, ZoneOffset.UTC));
        state.campaigning(t0.plusSeconds(10), "start");
        state.elected(guard);
        state.stepDown(1, "first term ends");
        state.campaigning(t0.plusSeconds(10), "again");
        state.elected(guard);
        assertThat(state.stepDown(1, "late failure of term 1")).isFalse();
        assertThat(state.isLeader()).isTrue();
    }

    @Test
    void illegalTransitionsThrow() {
        LeadershipState state = state(Clock.fixed(t0, ZoneOffset.UTC));
        assertThatThrownBy(() -> state.elected(guard)).isInstanceOf(IllegalStateException.class);
        state.close("bye");
        assertThatThrownBy(() -> state.campaigning(t0, "after close")).isInstanceOf(IllegalStateException.class);
        assertThat(state.stepDown(-1, "nothing")).isFalse();
    }

    @Test
    void theLeaseDeadlineIsMeasuredOnTheInjectedClock() {
        SettableClock clock = new SettableClock(t0);
        LeadershipState state = state(clock);
        state.campaigning(t0.plusSeconds(10), "start");
        state.elected(guard);
        clock.set(t0.plusSeconds(9));
        assertThat(state.leaseExpired()).isFalse();
        state.leaseRenewed(clock.instant().plus(Duration.ofSeconds(10)));
        clock.set(t0.plusSeconds(18));
        assertThat(state.leaseExpired()).isFalse();
        clock.set(t0.plusSeconds(19));
        assertThat(state.leaseExpired()).isTrue();
    }
}
