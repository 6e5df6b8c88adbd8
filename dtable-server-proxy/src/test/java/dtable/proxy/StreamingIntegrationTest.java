package dtable.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.Bucket;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 10 MB bodies stream through the proxy both ways, intact, while the receiving side is slower than
 * the sending side; the proxy's Netty buffers (the only Netty user in this JVM besides etcd's small
 * watch: fake nodes and the test client use heap) never hold anything close to the whole body.
 */
@Tag("integration")
class StreamingIntegrationTest {

    @RegisterExtension
    static OneNodeProxy cluster = new OneNodeProxy("stream-a", "/streaming-test/", Bucket.of("5a"));

    private static final int SIZE = 10 * 1024 * 1024;
    /** Far below the body: a proxy that buffered the body would need at least {@link #SIZE}. */
    private static final long MAX_PROXY_BUFFERS = SIZE / 2;
    private static final byte[] PAYLOAD = payload();

    @Test
    void aTenMegabyteUploadStreamsToASlowNodeIntact() throws Exception {
        AtomicLong receivedBytes = new AtomicLong();
        cluster.node().respond((FakeNode.StreamingResponder) (self, exchange, request, call) -> {
            byte[] body = FakeNode.readSlowly(exchange.getRequestBody(), 64 * 1024, 3);
            receivedBytes.set(body.length);
            FakeNode.sendJson(exchange, 200, "{\"sha256\":\"" + FakeNode.sha256(body) + "\"}");
        });

        try (PeakSampler peak = PeakSampler.start()) {
            HttpResponse<String> response = cluster.proxy().send(HttpRequest.newBuilder(
                    cluster.proxy().uri("/api/v1/dtables/5a000000-0000-4000-8000-000000000000/upload/"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(PAYLOAD)));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(receivedBytes.get()).isEqualTo(SIZE);
            assertThat(response.body()).contains(FakeNode.sha256(PAYLOAD));
            assertThat(peak.growth()).as("proxy buffer growth while streaming %d bytes", SIZE)
                    .isLessThan(MAX_PROXY_BUFFERS);
        }
    }

    @Test
    void aTenMegabyteDownloadStreamsToASlowClientIntact() throws Exception {
        cluster.node().respond((self, exchange, request, call) -> {
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, 0); // chunked: the proxy cannot know the length in advance
            try (OutputStream out = exchange.getResponseBody()) {
                for (int offset = 0; offset < SIZE; offset += 256 * 1024) {
                    out.write(PAYLOAD, offset, Math.min(256 * 1024, SIZE - offset));
                }
            }
        });

        try (PeakSampler peak = PeakSampler.start()) {
            HttpResponse<InputStream> response = cluster.proxy().send(HttpRequest.newBuilder(
                    cluster.proxy().uri("/api/v1/dtables/5a000000-0000-4000-8000-000000000000/download/")).GET(),
                    HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = response.body()) {
                body = FakeNode.readSlowly(in, 64 * 1024, 3);
            }

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Dtable-Node")).contains("stream-a");
            assertThat(body.length).isEqualTo(SIZE);
            assertThat(FakeNode.sha256(body)).isEqualTo(FakeNode.sha256(PAYLOAD));
            assertThat(peak.growth()).as("proxy buffer growth while streaming %d bytes", SIZE)
                    .isLessThan(MAX_PROXY_BUFFERS);
        }
    }

    @Test
    void aClientLeavingMidAnswerReleasesTheNodeConnection() throws Exception {
        java.util.concurrent.CountDownLatch nodeWriteFailed = new java.util.concurrent.CountDownLatch(1);
        cluster.node().respond((self, exchange, request, call) -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int offset = 0; offset < SIZE; offset += 64 * 1024) {
                    out.write(PAYLOAD, offset, 64 * 1024);
                    out.flush();
                    FakeNode.pause(5);
                }
            } catch (java.io.IOException e) {
                nodeWriteFailed.countDown(); // the proxy dropped the node connection
                throw e;
            }
        });
        try (RawHttpClient client = new RawHttpClient(cluster.proxy().port())) {
            client.send("GET /api/v1/dtables/5a000000-0000-4000-8000-000000000000/download/ HTTP/1.1\r\n"
                    + "Host: proxy\r\n\r\n");
            assertThat(client.statusLine()).contains("200"); // then leave, mid-answer
        }
        assertThat(nodeWriteFailed.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        cluster.node().respond(FakeNode::echo);
        HttpResponse<String> after = cluster.proxy().get("/api/v1/dtables/5a000000-0000-4000-8000-000000000000/after/");
        assertThat(after.statusCode()).isEqualTo(200);
    }

    private static byte[] payload() {
        byte[] bytes = new byte[SIZE];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    /** Samples the memory held by Netty's default allocator every millisecond; reports the peak growth. */
    private static final class PeakSampler implements AutoCloseable {
        private final ByteBufAllocatorMetric metric =
                ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        private final long baseline = used();
        private final AtomicLong peak = new AtomicLong(baseline);
        private volatile boolean running = true;
        private final Thread thread = Thread.ofPlatform().daemon().start(this::sample);

        static PeakSampler start() {
            return new PeakSampler();
        }

        private long used() {
            return metric.usedDirectMemory() + metric.usedHeapMemory();
        }

        private void sample() {
            while (running) {
                peak.accumulateAndGet(used(), Math::max);
                FakeNode.pause(1);
            }
        }

        long growth() throws InterruptedException {
            running = false;
            thread.join();
            peak.accumulateAndGet(used(), Math::max);
            System.out.printf("netty allocator: baseline %d, peak %d (%s)%n", baseline, peak.get(),
                    ByteBufAllocator.DEFAULT.getClass().getSimpleName());
            return peak.get() - baseline;
        }

        @Override
        public void close() {
            running = false;
        }
    }

}
