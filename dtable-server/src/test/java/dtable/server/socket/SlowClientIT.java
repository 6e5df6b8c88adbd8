package dtable.server.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.server.api.NodeUnderTest;
import dtable.server.api.NodeUnderTest.Answer;
import dtable.server.base.BaseRegistry;
import dtable.server.base.RoomListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that stops reading must not delay the others: its own queue fills (TCP back-pressure
 * first, then {@code dtable.socket.queue-capacity} events) while a reading client keeps receiving
 * every operation promptly; the stalled client is then closed with 4408, keeps a gap-free prefix of the
 * stream, and catches up exactly with reconnect + {@code sync}.
 */
@Tag("integration")
@ParameterizedClass(name = "the write port's socket: {0}")
@ValueSource(booleans = {false, true})
class SlowClientIT {

    private static final int QUEUE_CAPACITY = 32;
    /** Large operations fill the socket buffers between server and stalled client with few writes. */
    private static final String PAYLOAD = "x".repeat(16 * 1024);
    private static final int MAX_WRITES = 2_000;
    private static final Duration PROMPT = Duration.ofSeconds(2);

    @RegisterExtension
    static final NodeUnderTest node = NodeUnderTest.serving("slow-client", "",
            "--dtable.socket.queue-capacity=" + QUEUE_CAPACITY);

    @Parameter
    boolean socketsOnWritePort;

    @BeforeParameterizedClassInvocation
    static void socketsOn(boolean writePort) {
        node.socketsOnWritePort(writePort);
    }

    /** A run meant for the write port's socket that opened none there would prove nothing about it. */
    @AfterParameterizedClassInvocation
    static void socketsWentWhereTheRunSays(boolean writePort) {
        assertThat(node.writePortSockets() > 0).as("sockets opened on the write port").isEqualTo(writePort);
    }

    @Test
    void aStalledClientDoesNotDelayAFastOneAndIsClosedWith4408() throws Exception {
        BaseUuid uuid = node.createBase(null);
        String token = node.readWrite(uuid);
        try (SocketProbe fast = SocketProbe.connect(node.socketUrl(uuid, token));
                SocketProbe slow = SocketProbe.connectStalled(node.socketUrl(uuid, token))) {
            fast.joined();
            slow.joined();

            List<Long> latenciesMillis = new ArrayList<>();
            long version = 0;
            while (!slowClientDropped(uuid)) {
                assertThat(version).as("the server never gave up on the stalled client").isLessThan(MAX_WRITES);
                version = writeAndTimeDelivery(uuid, token, fast, latenciesMillis);
            }
            // the server has given up on the slow client; the fast one goes on as before
            for (int i = 0; i < 5; i++) {
                version = writeAndTimeDelivery(uuid, token, fast, latenciesMillis);
            }
            Collections.sort(latenciesMillis);
            System.out.printf("fast client while another stalls: %d ops, p50 %d ms, max %d ms%n", latenciesMillis.size(),
                    latenciesMillis.get(latenciesMillis.size() / 2), latenciesMillis.getLast());
            assertThat(fast.streamVersions()).isEqualTo(range(1, version));

            // once it reads again it finds a gap-free prefix of the stream and then 4408
            slow.resumeReading();
            assertThat(slow.closeCode(Duration.ofSeconds(20))).isEqualTo(CloseCodes.TOO_SLOW);
            List<Long> prefix = slow.streamVersions();
            long lastSeen = prefix.isEmpty() ? 0 : prefix.getLast();
            assertThat(prefix).isEqualTo(range(1, lastSeen));
            assertThat(lastSeen).isLessThan(version);

            // reconnect + sync: exactly what it missed
            try (SocketProbe again = SocketProbe.connect(node.socketUrl(uuid, token))) {
                assertThat(again.joined().version()).isEqualTo(version);
                again.sync(lastSeen);
                again.awaitVersion(version, Duration.ofSeconds(20));
                assertThat(again.streamVersions()).isEqualTo(range(lastSeen + 1, version));
                await().atMost(Duration.ofSeconds(10)).until(() -> room(uuid).size() == 2);
            }
        }
    }

    /** One REST write; waits until the fast client has it and records how long that took from the request. */
    private static long writeAndTimeDelivery(BaseUuid uuid, String token, SocketProbe fast, List<Long> latencies) {
        long sent = System.nanoTime();
        Answer answer = node.send("POST", "/api/v1/dtables/" + uuid + "/rows/", token,
                "{\"table_name\":\"Table1\",\"row\":{\"Name\":\"" + PAYLOAD + "\"}}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        long version = answer.version();
        SocketProbe.Frame frame = fast.awaitFrame(f -> f.version() == version && f.event().equals("update-dtable"),
                PROMPT);
        latencies.add((frame.receivedNanos() - sent) / 1_000_000);
        return version;
    }

    private static boolean slowClientDropped(BaseUuid uuid) {
        return room(uuid).stream().anyMatch(listener -> ((SocketClient) listener).isClosing());
    }

    private static List<RoomListener> room(BaseUuid uuid) {
        return node.bean(BaseRegistry.class).get(uuid).orElseThrow().room();
    }

    private static List<Long> range(long fromInclusive, long toInclusive) {
        return LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
    }
}
