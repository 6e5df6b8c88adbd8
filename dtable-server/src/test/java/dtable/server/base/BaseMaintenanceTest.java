package dtable.server.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BaseMaintenanceTest {

    private final BaseMaintenance maintenance = new BaseMaintenance(null, null, Clock.systemUTC(),
            new BaseMaintenance.Settings(Duration.ofMinutes(5), 1000, Duration.ofHours(1), Duration.ofDays(14)));

    @Test
    void smallBasesAreSnapshottedEverySnapshotEveryOps() {
        assertThat(maintenance.snapshotDue(999, 10)).isFalse();
        assertThat(maintenance.snapshotDue(1000, 10)).isTrue();
        assertThat(maintenance.snapshotDue(1000, 1000)).isTrue();
    }

    @Test
    void largeBasesWaitForAsManyOperationsAsTheyHaveRows() {
        assertThat(maintenance.snapshotDue(1000, 100_000)).isFalse();
        assertThat(maintenance.snapshotDue(99_999, 100_000)).isFalse();
        assertThat(maintenance.snapshotDue(100_000, 100_000)).isTrue();
    }
}
