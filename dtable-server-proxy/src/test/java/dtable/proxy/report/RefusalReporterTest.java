package dtable.proxy.report;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.cluster.EtcdKeys;
import io.etcd.jetcd.Client;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RefusalReporterTest {

    @Test
    void onlyARefusedConnectionIsReportedNeverATimeout() {
        assertThat(RefusalReporter.isRefusal(new ConnectException("Connection refused: /127.0.0.1:5001"))).isTrue();
        assertThat(RefusalReporter.isRefusal(new ConnectTimeoutException("connection timed out: /10.0.0.2:5001")))
                .isFalse();
        assertThat(RefusalReporter.isRefusal(new ConnectException("No route to host"))).isFalse();
        assertThat(RefusalReporter.isRefusal(new IllegalStateException("refused"))).isFalse();
        assertThat(RefusalReporter.isRefusal(null)).isFalse();
    }

    @Test
    void aNodeIsReportedAtMostOncePerSecond() {
        AtomicLong nanos = new AtomicLong();
        try (Client unused = Client.builder().endpoints("http://127.0.0.1:1").build()) {
            RefusalReporter reporter = new RefusalReporter(unused, EtcdKeys.defaults(), "test", Clock.systemUTC(), nanos::get);

            assertThat(reporter.firstInSpacing("n1")).isTrue();
            nanos.addAndGet(RefusalReporter.MIN_SPACING.toNanos() - 1);
            assertThat(reporter.firstInSpacing("n1")).isFalse();
            assertThat(reporter.firstInSpacing("n2")).isTrue(); // per node
            nanos.addAndGet(1);
            assertThat(reporter.firstInSpacing("n1")).isTrue();
        }
    }
}
