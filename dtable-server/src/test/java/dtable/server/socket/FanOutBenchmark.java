package dtable.server.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.BaseUuid;
import dtable.server.api.NodeUnderTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fan-out latency: one operation sent on a socket, delivered to {@value #RECEIVERS} other sockets of the
 * same base; measured from the send to the last receipt (goal: p99 ≤ 50 ms). Operations go one at a
 * time, so this is latency, not throughput; client and server share the machine.
 *
 * <p>Off by default; run with
 * {@code ./mvnw -B -pl dtable-server test -Dtest=FanOutBenchmark -Dbench=true}.
 */
@Tag("integration")
@EnabledIfSystemProperty(named = "bench", matches = "true")
class FanOutBenchmark {

    static final int RECEIVERS = 100;
    static final int WARMUP = 100;
    static final int MEASURED = 500;

    @RegisterExtension
    static final NodeUnderTest node = NodeUnderTest.serving("fan-out", "");

    @Test
    void oneOperationToAHundredSockets() throws Exception {
        BaseUuid uuid = node.createBase(null);
        int total = WARMUP + MEASURED;
        CountDownLatch[] delivered = new CountDownLatch[total + 1];
        long[] lastReceipt = new long[total + 1];
        for (int v = 1; v <= total; v++) {
            delivered[v] = new CountDownLatch(RECEIVERS);
        }
        HttpClient http = HttpClient.newHttpClient();
        List<WebSocket> receivers = new ArrayList<>();
        CountDownLatch joined = new CountDownLatch(RECEIVERS);
        for (int i = 0; i < RECEIVERS; i++) {
            receivers.add(http.newWebSocketBuilder().buildAsync(URI.create(node.socketUrl(uuid, node.readOnly(uuid))),
                    new Receiver(joined, delivered, lastReceipt)).join());
        }
        assertThat(joined.await(30, TimeUnit.SECONDS)).isTrue();
        try (SocketProbe writer = SocketProbe.connect(node.socketUrl(uuid, node.readWrite(uuid)))) {
            writer.joined();
            long[] latencies = new long[MEASURED];
            long[] acks = new long[MEASURED];
            long[] spreads = new long[MEASURED];
            for (int v = 1; v <= total; v++) {
                long sent = System.nanoTime();
                writer.update(v, "{\"op_type\":\"insert_row\",\"table_id\":\"0000\",\"row_data\":{\"0000\":\"row "
                        + v + "\"}}");
                assertThat(delivered[v].await(30, TimeUnit.SECONDS)).as("version %d delivered to all", v).isTrue();
                if (v > WARMUP) {
                    long seq = v;
                    long acked = writer.awaitFrame(f -> f.seq() == seq && f.event().equals("ack"),
                            Duration.ofSeconds(30)).receivedNanos();
                    acks[v - WARMUP - 1] = acked - sent;
                    synchronized (lastReceipt) {
                        latencies[v - WARMUP - 1] = lastReceipt[v] - sent;
                        spreads[v - WARMUP - 1] = lastReceipt[v] - acked;
                    }
                }
            }
            report("send -> last of " + RECEIVERS + " receipts", latencies);
            report("send -> ack to the writer (durable)", acks);
            report("ack to the writer -> last of " + RECEIVERS + " receipts (fan-out alone)", spreads);
        } finally {
            receivers.forEach(WebSocket::abort);
        }
    }

    private static void report(String what, long[] latencies) {
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        System.out.printf("FAN-OUT %s, %d ops: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", what,
                sorted.length, millis(sorted, 0.50), millis(sorted, 0.90), millis(sorted, 0.99),
                sorted[sorted.length - 1] / 1e6);
    }

    private static double millis(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }

    /** Records when each version reaches this socket; parses only the version out of the frame. */
    private static final class Receiver implements WebSocket.Listener {
        private final CountDownLatch joined;
        private final CountDownLatch[] delivered;
        private final long[] lastReceipt;
        private final StringBuilder partial = new StringBuilder();

        Receiver(CountDownLatch joined, CountDownLatch[] delivered, long[] lastReceipt) {
            this.joined = joined;
            this.delivered = delivered;
            this.lastReceipt = lastReceipt;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            long now = System.nanoTime();
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                if (frame.startsWith("{\"event\":\"joined\"")) {
                    joined.countDown();
                } else if (frame.startsWith("{\"event\":\"update-dtable\"")) {
                    int at = frame.indexOf("\"version\":") + 10;
                    int end = at;
                    while (Character.isDigit(frame.charAt(end))) {
                        end++;
                    }
                    int version = Integer.parseInt(frame.substring(at, end));
                    synchronized (lastReceipt) {
                        lastReceipt[version] = Math.max(lastReceipt[version], now);
                    }
                    delivered[version].countDown();
                }
            }
            ws.request(1);
            return null;
        }
    }
}
