package dtable.server.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real WebSocket client ({@code java.net.http.WebSocket}) of the dtable socket: records every frame
 * (fragments put together) with its arrival time, and how the connection closed.
 *
 * <p>With {@code reading = false} it takes the {@code joined} frame and then stops asking for more,
 * so the server sees a client that stops reading (TCP back-pressure); {@link #resumeReading()} drains it.
 *
 * <p>Thread-safe: frames arrive on the HTTP client's threads; sends are serialised.
 */
public final class SocketProbe implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One received frame and when it arrived ({@link System#nanoTime()}). */
    public record Frame(JsonNode json, long receivedNanos) {
        public String event() {
            return json.path("event").asString();
        }

        public JsonNode data() {
            return json.path("data");
        }

        public long seq() {
            return json.path("seq").asLong(-1);
        }

        public long version() {
            return data().path("version").asLong(-1);
        }
    }

    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final CompletableFuture<Throwable> failed = new CompletableFuture<>();
    private final WebSocket socket;
    private volatile boolean reading;

    private SocketProbe(String url, boolean reading) {
        this.reading = reading;
        this.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(url), new Listener()).join();
    }

    /** Connects and keeps reading. */
    public static SocketProbe connect(String url) {
        return new SocketProbe(url, true);
    }

    /** Connects and stops reading after the first frame. */
    public static SocketProbe connectStalled(String url) {
        return new SocketProbe(url, false);
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(new Frame(JSON.readTree(partial.toString()), System.nanoTime()));
                partial.setLength(0);
                if (reading) {
                    ws.request(1);
                }
            } else {
                ws.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(code);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            failed.complete(error);
            closed.completeExceptionally(error);
        }
    }

    /** Starts reading again after {@link #connectStalled}. */
    public void resumeReading() {
        reading = true;
        socket.request(Long.MAX_VALUE);
    }

    public synchronized void send(String event, Long seq, JsonNode data) {
        ObjectNode frame = JSON.createObjectNode().put("event", event);
        if (seq != null) {
            frame.put("seq", seq);
        }
        frame.set("data", data);
        sendRaw(JSON.writeValueAsString(frame));
    }

    public synchronized void sendRaw(String text) {
        socket.sendText(text, true).join();
    }

    /** Sends {@code update-dtable} with {@code operation} (JSON text). */
    public void update(long seq, String operation) {
        send("update-dtable", seq, JSON.readTree(operation));
    }

    public void sync(long fromVersion) {
        send("sync", null, JSON.createObjectNode().put("from_version", fromVersion));
    }

    public List<Frame> frames() {
        return new ArrayList<>(frames);
    }

    public List<Frame> frames(String event) {
        return frames.stream().filter(f -> f.event().equals(event)).toList();
    }

    /** Awaitility polling fast enough to time deliveries of a few milliseconds. */
    static ConditionFactory waitAtMost(Duration within) {
        return Awaitility.await().atMost(within).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2));
    }

    /** Waits for the first frame matching {@code test}. */
    public Frame awaitFrame(Predicate<Frame> test, Duration within) {
        waitAtMost(within).until(() -> frames.stream().anyMatch(test));
        return frames.stream().filter(test).findFirst().orElseThrow();
    }

    public Frame awaitEvent(String event) {
        return awaitFrame(f -> f.event().equals(event), Duration.ofSeconds(10));
    }

    /** The {@code joined} frame (the first one). */
    public Frame joined() {
        Frame joined = awaitEvent("joined");
        assertThat(frames.getFirst().event()).isEqualTo("joined");
        return joined;
    }

    /** Waits until the stream of operations (update-dtable and ack) delivers {@code version}. */
    public void awaitVersion(long version, Duration within) {
        waitAtMost(within).until(() -> lastVersion() >= version);
    }

    /** Waits until the client is at {@code version}: joined at it or later, or delivered it since. */
    public void awaitCaughtUp(long version, Duration within) {
        waitAtMost(within).until(() -> lastVersion() >= version || joinedVersion() >= version);
    }

    /** Versions delivered as update-dtable or ack, in arrival order. */
    public List<Long> streamVersions() {
        return frames.stream().filter(f -> f.event().equals("update-dtable") || f.event().equals("ack"))
                .map(Frame::version).toList();
    }

    /** The last version update-dtable or ack delivered, -1 before any. */
    public long lastVersion() {
        List<Long> versions = streamVersions();
        return versions.isEmpty() ? -1 : versions.getLast();
    }

    private long joinedVersion() {
        return frames.stream().filter(f -> f.event().equals("joined")).mapToLong(Frame::version).findFirst().orElse(-1);
    }

    /** The close code the server sent, waiting up to {@code within}. */
    public int closeCode(Duration within) throws Exception {
        return closed.get(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Closes politely (waits briefly for the server's close), then drops the connection. */
    @Override
    public void close() {
        try {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
                closed.get(2, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // closing anyway
        } finally {
            socket.abort();
        }
    }
}
