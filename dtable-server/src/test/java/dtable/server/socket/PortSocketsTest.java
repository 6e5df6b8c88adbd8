package dtable.server.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.core.token.Permission;
import dtable.core.token.TokenService;
import dtable.server.ServerFixture;
import dtable.server.api.BaseAccess;
import dtable.server.api.RowsController;
import dtable.server.api.WritePort;
import dtable.server.base.CoreNode;
import dtable.server.base.LoadedBase;
import dtable.server.base.RowLimit;
import dtable.server.storage.MemoryBaseStorage;
import dtable.web.Authorizer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The write port's WebSocket ({@link PortSockets}) on a node's core without MySQL ({@link CoreNode}): what only
 * this server does. Frames of one connection run in order even when one of them waits for a held lane off the
 * loop; a frame too large to be read is closed with 1009; a plain request to the socket's path is 400. Everything
 * a client sees against MySQL is {@link SocketIT}'s and {@link SlowClientIT}'s, which run against this port too.
 */
class PortSocketsTest {

    private static final int MAX_FRAME_CHARS = 4096;
    /** {@code base_writable_limit} of the node under test. */
    private static final int ROW_LIMIT = 2;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final CoreNode node = new CoreNode("node-a", new MemoryBaseStorage(), Clock.systemUTC());
    private final TokenService tokens = new TokenService(ServerFixture.PRIVATE_KEY, Clock.systemUTC());
    private final BaseAccess access = new BaseAccess(new Authorizer(tokens), node.registry, 1_000_000);
    private final WritePort port;

    PortSocketsTest() throws InterruptedException {
        RoomSession.Rooms rooms = new RoomSession.Rooms(node.registry, (uuid, after, limit) -> List.of(), tokens, 64,
                MAX_FRAME_CHARS, new RowLimit(ROW_LIMIT));
        port = writePort(new PortSockets(rooms, MAX_FRAME_CHARS));
        node.log.autoCommit(true);
    }

    /** A write port of this node serving {@code sockets}, on a free port. */
    private WritePort writePort(PortSockets sockets) throws InterruptedException {
        return new WritePort(access, new RowsController(access, new RowsController.Limits(1000, 1000, 10_000)),
                sockets, "node-a", MAX_FRAME_CHARS, new SimpleMeterRegistry(), "127.0.0.1", 0, 1);
    }

    @AfterEach
    void close() {
        port.close();
    }

    private BaseUuid base() {
        return node.newBase();
    }

    private SocketProbe connect(BaseUuid uuid) {
        String token = tokens.mintBase(uuid, "alice", Permission.READ_WRITE, Duration.ofHours(1));
        return SocketProbe.connect("ws://127.0.0.1:" + port.port() + "/socket/dtables/" + uuid + "?token=" + token);
    }

    private static String insertRow(String name) {
        return "{\"op_type\":\"insert_row\",\"table_id\":\"0000\",\"row_data\":{\"0000\":\"" + name + "\"}}";
    }

    @Test
    void aFrameWaitingForAHeldLaneRunsOffTheLoopAndTheFramesAfterItWaitTheirTurn() throws Exception {
        BaseUuid uuid = base();
        LoadedBase base = node.registry.acquire(uuid);
        CountDownLatch inLane = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (SocketProbe socket = connect(uuid)) {
            socket.joined();
            Thread holder = Thread.ofPlatform().start(() -> {
                try {
                    base.execute(model -> {
                        inLane.countDown();
                        await().atMost(WAIT).until(() -> release.getCount() == 0);
                        throw new IllegalStateException("the holder applies nothing");
                    }, "holder", null, null, 0, null);
                } catch (IllegalStateException expected) {
                    // the lane was held, nothing was applied
                }
            });
            assertThat(inLane.await(5, TimeUnit.SECONDS)).isTrue();

            socket.update(1, insertRow("first"));
            socket.send("ping", null, SocketProbe.JSON.createObjectNode()); // answered at once, were it not in line
            socket.update(2, insertRow("second"));
            // a negative check has no event to wait for: the pong would come within milliseconds on the loop
            Thread.sleep(300);
            assertThat(socket.frames()).extracting(SocketProbe.Frame::event).containsExactly("joined");

            release.countDown();
            holder.join();
            await().atMost(WAIT).until(() -> socket.frames().size() == 4);
            assertThat(socket.frames()).extracting(SocketProbe.Frame::event)
                    .containsExactlyInAnyOrder("joined", "ack", "pong", "ack");
            // the held frame was applied first (version 1), the one after the ping second
            assertThat(socket.frames("ack")).extracting(SocketProbe.Frame::seq, SocketProbe.Frame::version)
                    .containsExactly(tuple(1L, 1L), tuple(2L, 2L));
        }
    }

    @Test
    void aBaseOverBaseWritableLimitRefusesNewRowsFromASocketAndChangesNothing() {
        BaseUuid uuid = base();
        try (SocketProbe socket = connect(uuid)) {
            socket.joined();
            for (long seq = 1; seq <= ROW_LIMIT + 2; seq++) {
                socket.update(seq, insertRow("row-" + seq));
            }
            await().atMost(WAIT).until(() -> socket.frames("ack").size() + socket.frames("error").size() == ROW_LIMIT + 2);
            // a base with more rows than the limit takes no more: the limit's row is the last one added
            assertThat(socket.frames("ack")).extracting(SocketProbe.Frame::seq).containsExactly(1L, 2L, 3L);
            assertThat(socket.frames("error")).singleElement().satisfies(error -> {
                assertThat(error.seq()).isEqualTo(ROW_LIMIT + 2);
                assertThat(error.data().path("error_type").asString()).isEqualTo("over_limit");
            });
        }
        assertThat(node.registry.acquire(uuid).durableVersion()).isEqualTo(ROW_LIMIT + 1);
    }

    @Test
    void aFrameTooLargeToReadClosesWith1009AndTheBaseIsUnchanged() throws Exception {
        BaseUuid uuid = base();
        try (SocketProbe socket = connect(uuid)) {
            socket.joined();
            socket.update(1, insertRow("x".repeat(4 * MAX_FRAME_CHARS)));
            assertThat(socket.closeCode(WAIT)).isEqualTo(1009);
        }
        assertThat(node.registry.acquire(uuid).durableVersion()).isZero();
    }

    @Test
    void aClientThatStopsReadingIsDroppedAndItsConnectionEndedAfterTheSendTimeout() throws Exception {
        RoomSession.Rooms smallQueues = new RoomSession.Rooms(node.registry, (uuid, after, limit) -> List.of(), tokens,
                64, MAX_FRAME_CHARS);
        Duration sendTimeout = Duration.ofMillis(300);
        try (WritePort strict = writePort(new PortSockets(smallQueues, MAX_FRAME_CHARS, sendTimeout));
                Socket raw = new Socket("127.0.0.1", strict.port())) {
            BaseUuid uuid = base();
            String token = tokens.mintBase(uuid, "alice", Permission.READ_WRITE, Duration.ofHours(1));
            LoadedBase base = node.registry.acquire(uuid);
            // a client that upgrades and then reads nothing (a WebSocket library keeps reading into its own buffers)
            raw.setSoTimeout((int) WAIT.toMillis());
            raw.getOutputStream().write(("GET /socket/dtables/" + uuid + "?token=" + token + " HTTP/1.1\r\n"
                    + "Host: node-a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(raw.getInputStream())).startsWith("HTTP/1.1 101");
            await().atMost(WAIT).until(() -> base.room().size() == 1);
            SocketClient client = (SocketClient) base.room().getFirst();
            // operations of 3,000 characters, at most one a millisecond (so that only a client that reads nothing falls
            // behind), until the kernel's and Netty's buffers are full and the client's queue overflows
            String row = insertRow("x".repeat(3000));
            for (int i = 0; i < 20_000 && !client.isClosing(); i++) {
                base.execute(model -> SocketProbe.JSON.readTree(row), "writer", null, null, 0, null);
                LockSupport.parkNanos(1_000_000);
            }
            assertThat(client.isClosing()).as("the stalled client was dropped").isTrue();
            // its close frame cannot be written while the client reads nothing; after the send timeout the connection
            // ends without it (a timeout has no event to wait for)
            Thread.sleep(sendTimeout.toMillis() * 4);
            assertThat(opcodesUntilTheEnd(raw.getInputStream())).as("frames the client got before the connection ended")
                    .contains(0x1).doesNotContain(0x8);
        }
    }

    /** The opcodes of the server's (unmasked) frames until the connection ends (maybe within a frame). */
    private static List<Integer> opcodesUntilTheEnd(InputStream in) throws Exception {
        DataInputStream data = new DataInputStream(in);
        List<Integer> opcodes = new ArrayList<>();
        try {
            while (true) {
                int first = data.read();
                if (first < 0) {
                    return opcodes;
                }
                opcodes.add(first & 0x0f);
                int length = data.readUnsignedByte() & 0x7f;
                long payload = length == 126 ? data.readUnsignedShort() : length == 127 ? data.readLong() : length;
                data.skipNBytes(payload);
            }
        } catch (EOFException endedWithinAFrame) {
            return opcodes;
        }
    }

    @Test
    void aRequestToTheSocketsPathThatIsNoUpgradeIs400AndTheConnectionGoesOn() throws Exception {
        try (Socket raw = new Socket("127.0.0.1", port.port())) {
            raw.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = raw.getOutputStream();
            out.write(("GET /socket/dtables/" + UUID.randomUUID() + " HTTP/1.1\r\nHost: node-a\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readHead(raw.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 400").contains("bad_request").contains("Upgrade: websocket");
        }
    }

    /** The status line, headers and a JSON body of a length-delimited answer. */
    private static String readHead(InputStream in) throws Exception {
        StringBuilder text = new StringBuilder();
        int contentLength = -1;
        while (!text.toString().endsWith("\r\n\r\n")) {
            text.append((char) in.read());
        }
        for (String line : text.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                contentLength = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        byte[] body = in.readNBytes(Math.max(contentLength, 0));
        return text + new String(body, StandardCharsets.UTF_8);
    }
}
