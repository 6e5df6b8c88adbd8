package dtable.monitor.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The probe against real sockets of this machine: listening, closed, and a listener that never accepts. */
class TcpPortProbeTest {

    private final TcpPortProbe probe = new TcpPortProbe(Duration.ofMillis(500));

    @Test
    void aListeningPortIsAccepted() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThat(probe.probe("http://127.0.0.1:" + server.getLocalPort() + "/")).isEqualTo(ProbeResult.ACCEPTED);
        }
    }

    @Test
    void aClosedPortIsRefused() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = server.getLocalPort();
        }
        assertThat(probe.probe("http://127.0.0.1:" + port + "/")).isEqualTo(ProbeResult.REFUSED);
    }

    @Test
    void aListenerThatNeverAcceptsStillCountsAsAccepted() throws Exception {
        // what a SIGSTOPped process looks like from outside: the kernel completes the handshake into the backlog
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 3; i++) {
                assertThat(probe.probe("http://127.0.0.1:" + server.getLocalPort() + "/")).isEqualTo(ProbeResult.ACCEPTED);
            }
        }
    }

    @Test
    void anUnusableUrlIsNoAnswer() {
        assertThat(probe.probe("not a url")).isEqualTo(ProbeResult.NO_ANSWER);
        assertThat(probe.probe("http://no-such-host.invalid:5000/")).isEqualTo(ProbeResult.NO_ANSWER);
    }

    @Test
    void theDefaultPortFollowsTheScheme() {
        assertThat(TcpPortProbe.address("http://127.0.0.1/").getPort()).isEqualTo(80);
        assertThat(TcpPortProbe.address("https://127.0.0.1/").getPort()).isEqualTo(443);
        assertThat(TcpPortProbe.address("http://127.0.0.1:5001/x").getPort()).isEqualTo(5001);
    }
}
