package dtable.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.core.token.Permission;
import dtable.core.token.TokenService;
import dtable.server.ServerFixture;
import dtable.server.base.CoreNode;
import dtable.server.base.LoadedBase;
import dtable.server.storage.MemoryBaseStorage;
import dtable.server.storage.OperationLog;
import dtable.web.Authorizer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The write port over a raw socket, on a node's core without MySQL ({@link CoreNode}: the test commits the
 * operation log by hand): an answer waits for its commit, answers leave in request order whatever order their
 * commits complete in, a write that would block the loop (a base to load, a held lane) is done off it, and a
 * commit that fails or never comes is 503 or 504 {@code outcome_unknown}. The answers to every endpoint and error
 * against MySQL are {@link RestApiIT}'s and {@link RestErrorsIT}'s, which run against this port too.
 */
class WritePortTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ROW = "{\"table_name\":\"Table1\",\"row\":{\"Name\":\"x\"}}";
    /**
     * Short, for the 504 test; long enough that the tests which commit by hand do so before it (the first request
     * of a cold JVM on a busy machine took over 500 ms).
     */
    private static final Duration DURABILITY_TIMEOUT = Duration.ofSeconds(3);

    private final MemoryBaseStorage storage = new MemoryBaseStorage();
    private final CoreNode node = new CoreNode("node-a", storage, Clock.systemUTC());
    private final TokenService tokens = new TokenService(ServerFixture.PRIVATE_KEY, Clock.systemUTC());
    private final BaseAccess access = new BaseAccess(new Authorizer(tokens), node.registry, 1_000_000);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final WritePort port;

    WritePortTest() throws InterruptedException {
        port = new WritePort(access, new RowsController(access, new RowsController.Limits(1000, 1000, 10_000)),
                null, "node-a", 4096, meters, "127.0.0.1", 0, 1, DURABILITY_TIMEOUT);
    }

    @AfterEach
    void close() {
        port.close();
    }

    private BaseUuid base() {
        return node.newBase();
    }

    private String append(BaseUuid uuid) {
        String token = tokens.mintBase(uuid, "alice", Permission.READ_WRITE, Duration.ofHours(1));
        return request("POST", "/api/v1/dtables/" + uuid + "/rows/", token, ROW);
    }

    private static String request(String method, String path, String token, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return method + " " + path + " HTTP/1.1\r\nHost: node-a\r\n"
                + (token == null ? "" : "Authorization: Token " + token + "\r\n")
                + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n" + body;
    }

    @Test
    void anAnswerWaitsForItsCommitAndCarriesTheVersionAndTheNode() throws Exception {
        BaseUuid uuid = base();
        try (Client client = new Client()) {
            client.send(append(uuid));
            await().until(() -> node.log.pending() == 1);
            assertThat(client.available()).as("nothing is answered before the commit").isZero();

            node.log.commitNext();
            Answer answer = client.read();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().path("Name").asString()).isEqualTo("x");
            assertThat(answer.headers()).containsEntry("x-dtable-version", "1").containsEntry("x-dtable-node", "node-a");
        }
        assertThat(meters.get("http.server.requests").tag("uri", "/api/v1/dtables/{uuid}/rows/").tag("status", "200")
                .timer().count()).isEqualTo(1);
    }

    @Test
    void pipelinedAnswersLeaveInRequestOrderAndAHeldLaneIsWaitedForOffTheLoop() throws Exception {
        node.log.autoCommit(true);
        BaseUuid held = base();
        BaseUuid free = base();
        LoadedBase heldBase = node.registry.acquire(held);
        CountDownLatch inLane = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            try {
                heldBase.execute(model -> {
                    inLane.countDown();
                    waitFor(release);
                    throw new IllegalStateException("the holder applies nothing");
                }, "holder", null, null, 0, null);
            } catch (IllegalStateException expected) {
                // the lane was held, nothing was applied
            }
        });
        assertThat(inLane.await(5, TimeUnit.SECONDS)).isTrue();
        try (Client client = new Client()) {
            // the first waits for the held lane, the second could be answered at once, the third is on the loop again
            client.send(append(held) + append(free) + append(free));
            await().until(() -> node.log.committed().size() == 2);
            assertThat(client.available()).as("no answer overtakes the one before it").isZero();

            release.countDown();
            Answer first = client.read();
            Answer second = client.read();
            Answer third = client.read();
            assertThat(first.headers()).containsEntry("x-dtable-version", "1");
            assertThat(second.headers()).containsEntry("x-dtable-version", "1");
            assertThat(third.headers()).containsEntry("x-dtable-version", "2");
        }
        holder.join();
    }

    @Test
    void aBaseThatIsNotLoadedIsLoadedAndWritten() throws Exception {
        node.log.autoCommit(true);
        BaseUuid uuid = base();
        node.registry.unload(node.registry.acquire(uuid), "test");
        assertThat(node.registry.get(uuid)).isEmpty();
        try (Client client = new Client()) {
            client.send(append(uuid));
            assertThat(client.read().status()).isEqualTo(200);
        }
        assertThat(node.registry.get(uuid)).isPresent();
    }

    @Test
    void theFromParameterIsTheOperationsAppAndAnEscapedUuidIsDecoded() throws Exception {
        node.log.autoCommit(true);
        BaseUuid uuid = base();
        String token = tokens.mintBase(uuid, "alice", Permission.READ_WRITE, Duration.ofHours(1));
        String escaped = uuid.value().replace("-", "%2D");
        try (Client client = new Client()) {
            client.send(request("POST", "/api/v1/dtables/" + escaped + "/rows/?x=1&from=my%20app", token, ROW)
                    + request("POST", "/api/v1/dtables/" + uuid + "/rows?from=", token, ROW));
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(client.read().status()).isEqualTo(200);
        }
        assertThat(node.log.committed()).extracting(OperationLog.Append::app).containsExactly("my app", null);
    }

    @Test
    void anHttp10ClientAskingForKeepAliveKeepsItsConnection() throws Exception {
        node.log.autoCommit(true);
        BaseUuid uuid = base();
        String token = tokens.mintBase(uuid, "alice", Permission.READ_WRITE, Duration.ofHours(1));
        String request = "POST /api/v1/dtables/" + uuid + "/rows HTTP/1.0\r\nConnection: keep-alive\r\n"
                + "Authorization: Token " + token + "\r\nContent-Length: " + ROW.length() + "\r\n\r\n" + ROW;
        try (Client client = new Client()) {
            client.send(request);
            Answer first = client.read();
            assertThat(first.statusLine()).startsWith("HTTP/1.0 200");
            assertThat(first.headers()).containsEntry("connection", "keep-alive");
            client.send(request);
            assertThat(client.read().headers()).containsEntry("x-dtable-version", "2");
        }
    }

    @Test
    void aCommitThatNeverComesIs504OutcomeUnknownAndTheConnectionGoesOn() throws Exception {
        BaseUuid uuid = base();
        try (Client client = new Client()) {
            client.send(append(uuid));
            Answer unknown = client.read();
            assertThat(unknown.status()).isEqualTo(504);
            assertThat(unknown.json().path("error_type").asString()).isEqualTo("outcome_unknown");

            node.log.commitNext(); // the late commit sends nothing more
            node.log.autoCommit(true);
            client.send(append(uuid));
            Answer next = client.read();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.headers()).containsEntry("x-dtable-version", "2");
        }
    }

    @Test
    void aFencedCommitIs503WithRetryAfter() throws Exception {
        BaseUuid uuid = base();
        try (Client client = new Client()) {
            client.send(append(uuid));
            await().until(() -> node.log.pending() == 1);
            node.log.fenceNext();
            Answer refused = client.read();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().path("error_type").asString()).isEqualTo("base_unavailable");
            assertThat(refused.headers()).containsEntry("retry-after", "1").containsEntry("x-dtable-node", "node-a");
        }
    }

    @Test
    void otherPathsAre404BadTokens401AndBodiesOverTheLimit413() throws Exception {
        BaseUuid uuid = base();
        try (Client client = new Client()) {
            client.send(request("GET", "/api/v1/dtables/" + uuid + "/rows/?table_name=Table1", null, ""));
            Answer read = client.read();
            assertThat(read.status()).isEqualTo(404);
            assertThat(read.json().path("error_msg").asString()).contains("local_node_url");

            client.send(request("POST", "/api/v1/dtables/" + uuid + "/rows/", "garbage", ROW));
            assertThat(client.read().json().path("error_type").asString()).isEqualTo("token_invalid");

            client.send(request("POST", "/api/v1/dtables/" + uuid + "/rows/", null, "x".repeat(5000)));
            Answer tooLarge = client.read();
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.json().path("error_type").asString()).isEqualTo("request_too_large");
            assertThat(tooLarge.headers()).containsEntry("connection", "close").containsEntry("x-dtable-node", "node-a");
        }
        assertThat(node.log.queued()).as("nothing was written").isEmpty();
    }

    /**
     * A client still sending a refused body gets the 413, whatever it sends after it: the port reads and drops
     * the rest instead of closing with bytes unread, which would reset the connection and could cost the client
     * the answer. Then the connection ends: at the client's close, or after {@link WritePort#LINGER}.
     */
    @Test
    void aClientStillSendingARefusedBodyGetsTheAnswerNotAReset() throws Exception {
        BaseUuid uuid = base();
        String token = tokens.mintBase(uuid, "alice", Permission.READ_WRITE, Duration.ofHours(1));
        byte[] slice = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        String declared = "POST /api/v1/dtables/" + uuid + "/rows/ HTTP/1.1\r\nHost: node-a\r\nAuthorization: Token "
                + token + "\r\nContent-Type: application/json\r\nContent-Length: " + 64 * slice.length + "\r\n\r\n";
        for (boolean chunked : new boolean[] {false, true}) {
            String head = chunked ? declared.replaceFirst("Content-Length: \\d+", "Transfer-Encoding: chunked") : declared;
            try (Client client = new Client()) {
                client.send(head);
                for (int i = 0; i < 64; i++) {
                    if (chunked) {
                        client.send(Integer.toHexString(slice.length) + "\r\n");
                    }
                    client.sendBytes(slice);
                    if (chunked) {
                        client.send("\r\n");
                    }
                    if (i == 0) {
                        await().until(client::answerArrived); // the rest of the body comes after the answer
                    }
                }
                Answer tooLarge = client.read();
                assertThat(tooLarge.status()).as(head).isEqualTo(413);
                assertThat(tooLarge.json().path("error_type").asString()).isEqualTo("request_too_large");
                assertThat(client.readToEnd()).as("nothing follows the answer").isEmpty();
                long lingering = System.nanoTime();
                assertThat(client.sendUntilRefused()).as("the port ends the connection").isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - lingering))
                        .isLessThan(WritePort.LINGER.plusSeconds(3));
            }
        }
        assertThat(node.log.queued()).as("nothing was written").isEmpty();
    }

    /** A 413 is the connection's last answer, but it does not overtake the answers owed before it. */
    @Test
    void aBodyOverTheLimitIsAnsweredAfterTheWritesBeforeIt() throws Exception {
        BaseUuid uuid = base();
        String token = tokens.mintBase(uuid, "alice", Permission.READ_WRITE, Duration.ofHours(1));
        try (Client client = new Client()) {
            client.send(append(uuid) + request("POST", "/api/v1/dtables/" + uuid + "/rows/", token, "x".repeat(5000)));
            await().until(() -> node.log.pending() == 1);
            assertThat(client.available()).as("the 413 waits for the write before it").isZero();

            node.log.commitNext();
            Answer written = client.read();
            assertThat(written.status()).isEqualTo(200);
            assertThat(written.headers()).containsEntry("x-dtable-version", "1");
            Answer tooLarge = client.read();
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.headers()).containsEntry("connection", "close");
            assertThat(client.readToEnd()).isEmpty();
        }
        assertThat(node.log.committed()).hasSize(1);
    }

    /**
     * After a request that ends the connection (it asked to close, or was refused unread), nothing more of the
     * connection is processed: a write after it would be committed with no answer to tell its client so.
     */
    @Test
    void nothingPipelinedAfterAnAnswerThatEndsTheConnectionIsWritten() throws Exception {
        node.log.autoCommit(true);
        BaseUuid uuid = base();
        String token = tokens.mintBase(uuid, "alice", Permission.READ_WRITE, Duration.ofHours(1));
        String closing = append(uuid).replace("Host: node-a\r\n", "Host: node-a\r\nConnection: close\r\n");
        String tooLarge = request("POST", "/api/v1/dtables/" + uuid + "/rows/", token, "x".repeat(5000));
        for (String last : List.of(closing, tooLarge)) {
            try (Client client = new Client()) {
                client.send(last + append(uuid) + append(uuid));
                client.read();
                assertThat(client.readToEnd()).as("nothing after the last answer").isEmpty();
            }
        }
        assertThat(node.log.committed()).as("only the write that asked to close").hasSize(1);
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An HTTP answer: status, headers (lower-case names), body. */
    private record Answer(String statusLine, Map<String, String> headers, String body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    /** One keep-alive connection to the write port that reads answers with a {@code Content-Length}. */
    private final class Client implements AutoCloseable {
        private final Socket socket = new Socket("127.0.0.1", port.port());
        private final InputStream in = socket.getInputStream();

        Client() throws IOException {
            socket.setSoTimeout(10_000);
        }

        void send(String requests) throws IOException {
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        }

        void sendBytes(byte[] bytes) throws IOException {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        }

        /** True once some answer bytes wait to be read. */
        boolean answerArrived() throws IOException {
            return in.available() > 0;
        }

        /** What comes until the other side's FIN. */
        byte[] readToEnd() throws IOException {
            return in.readAllBytes();
        }

        /** Sends a byte every 50 ms until the other side has closed; false when it stays open for 10 s. */
        boolean sendUntilRefused() throws InterruptedException {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < until) {
                try {
                    sendBytes(new byte[] {'x'});
                } catch (IOException refused) {
                    return true;
                }
                Thread.sleep(50);
            }
            return false;
        }

        int available() throws IOException {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return in.available();
        }

        Answer read() throws IOException {
            String statusLine = line();
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            return new Answer(statusLine, headers, new String(body, StandardCharsets.UTF_8));
        }

        private String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
