package dtable.core.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KeepAliveDeadlineTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void expiresExactlyWhenTheSilenceReachesFenceAfter() {
        KeepAliveDeadline deadline = new KeepAliveDeadline(Duration.ofMillis(8000), T0);

        assertThat(deadline.expired(T0.plusMillis(7999))).isFalse();
        assertThat(deadline.expired(T0.plusMillis(8000))).isTrue();
        assertThat(deadline.silence(T0.plusMillis(8000))).isEqualTo(Duration.ofMillis(8000));
    }

    @Test
    void anAnswerPushesTheDeadlineAndALateStaleAnswerCannotPullItBack() {
        KeepAliveDeadline deadline = new KeepAliveDeadline(Duration.ofSeconds(8), T0);

        deadline.answered(T0.plusSeconds(5));
        deadline.answered(T0.plusSeconds(3)); // reordered delivery must not shorten the lease

        assertThat(deadline.expired(T0.plusSeconds(12))).isFalse();
        assertThat(deadline.expired(T0.plusSeconds(13))).isTrue();
    }

    @Test
    void aClockBeforeTheLastAnswerMeansNoSilence() {
        KeepAliveDeadline deadline = new KeepAliveDeadline(Duration.ofSeconds(1), T0);

        assertThat(deadline.silence(T0.minusSeconds(10))).isEqualTo(Duration.ZERO);
        assertThat(deadline.expired(T0.minusSeconds(10))).isFalse();
    }

    @Test
    void rejectsANonPositiveFenceAfter() {
        assertThatThrownBy(() -> new KeepAliveDeadline(Duration.ZERO, T0)).isInstanceOf(IllegalArgumentException.class);
    }
}
