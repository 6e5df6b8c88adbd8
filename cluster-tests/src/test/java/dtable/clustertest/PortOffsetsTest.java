package dtable.clustertest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PortOffsetsTest {

    /** Linux's default first source port for outgoing connections. */
    private static final int EPHEMERAL_START = 32768;

    @Test
    void servicesScenariosRestartStayBelowTheEphemeralRangeAtEveryOffset() {
        int[] restartable = Arrays.stream(PortOffsets.BASE_PORTS).filter(port -> port < 20000).toArray();
        assertThat(restartable).contains(2379, 2380, 3307, 5000, 5001, 5550, 5555, 4000);
        for (int port : restartable) {
            assertThat(port + PortOffsets.LAST).as("port %d at the last offset", port).isLessThan(EPHEMERAL_START);
        }
        assertThat(DevCluster.EXTRA_MONITOR_PORT + PortOffsets.LAST).isLessThan(EPHEMERAL_START);
    }

    @Test
    void handsOutAnOffsetInItsRangeWithEveryPortFree() {
        int offset = PortOffsets.free();
        assertThat(offset).isBetween(PortOffsets.FIRST, PortOffsets.LAST);
        assertThat(offset % 100).isZero();
    }
}
