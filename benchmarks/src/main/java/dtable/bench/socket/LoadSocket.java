package dtable.bench.socket;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client socket of one base, on either framing of the node (docs/api.md): the node's own JSON
 * WebSocket ({@code /socket/dtables/{uuid}?token=}) or socket.io v4, spoken here as raw Engine.IO v4
 * WebSocket frames ({@code 0{…}} open, {@code 40} connect, {@code 42[…]} event, {@code 43N[…]} ack,
 * {@code 2}/{@code 3} ping/pong), which costs far less per socket than a socket.io client.
 *
 * <p>It keeps the highest contiguous version it has seen ({@link #version()}); updates that arrive
 * ahead of a gap wait in a small set until the gap is filled (after a reconnect: by {@code sync} on the
 * node's WebSocket, by {@code GET operations/} on socket.io, as SeaTable's client reloads).
 *
 * <p>Thread rules: the HTTP client calls the listener methods one at a time per socket; the fields
 * the listener writes are read by other threads only through volatile reads or after {@link #joined()}.
 */
final class LoadSocket implements WebSocket.Listener {

    enum Framing {
        /** The node's own JSON WebSocket. */
        WS,
        /** socket.io v4 over Engine.IO's WebSocket transport. */
        SOCKETIO
    }

    /** What the scenario is told about this socket. */
    interface Events {
        /** Another client's operation {@code version} of base {@code baseIndex} reached this socket at {@code nanos}. */
        void delivered(LoadSocket socket, long version, long nanos);

        /** This socket's own operation {@code ref} is durable at {@code version} (at {@code nanos}). */
        default void acked(LoadSocket socket, long ref, long version, long nanos) {
        }

        /** The connection ended (closed by either side, or broken). */
        default void ended(LoadSocket socket, int code, String reason) {
        }
    }

    final int baseIndex;
    final String dtableUuid;
    /** The URL this socket connects through (a proxy, or a node), and reconnects through without a {@code base-moved}. */
    final String home;
    private final String token;
    private final Framing framing;
    private final Events events;
    private final CatchUp catchUp;
    private final AtomicLong nextRef = new AtomicLong();
    private final TextMessage message = new TextMessage();
    /** Versions received beyond a gap; listener thread only. */
    private final TreeSet<Long> ahead = new TreeSet<>();
    private final Map<Long, Long> sentAt = new ConcurrentHashMap<>();

    private volatile WebSocket ws;
    /** The last send; the next one starts after it. Guarded by {@code this}. */
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
    private volatile CompletableFuture<Long> joined = new CompletableFuture<>();
    /** Highest version with every version up to it received (or covered by the first join). */
    private volatile long version = -1;
    private volatile boolean live;
    /** A stopped reader asks for no more frames after its join. */
    private volatile boolean stopReading;
    private volatile String movedTo;
    private volatile long duplicates;

    /** Fetches operations after a version over HTTP (socket.io's catch-up); {@code null} for the node's WebSocket. */
    interface CatchUp {
        /** Calls {@code apply} with every logged version after {@code afterVersion}, in order. */
        void after(String dtableUuid, String token, long afterVersion, java.util.function.LongConsumer apply);
    }

    LoadSocket(int baseIndex, String dtableUuid, String token, Framing framing, Events events, CatchUp catchUp,
            String home) {
        this.baseIndex = baseIndex;
        this.home = home;
        this.dtableUuid = dtableUuid;
        this.token = token;
        this.framing = framing;
        this.events = events;
        this.catchUp = catchUp;
    }

    /** The URI to open for this socket at {@code baseUrl} (http or https). */
    URI uri(String baseUrl) {
        String root = baseUrl.replaceFirst("^http", "ws").replaceAll("/+$", "");
        String q = URLEncoder.encode(token, StandardCharsets.UTF_8);
        return switch (framing) {
            case WS -> URI.create(root + "/socket/dtables/" + dtableUuid + "?token=" + q);
            case SOCKETIO -> URI.create(root + "/socket.io/?EIO=4&transport=websocket&dtable_uuid=" + dtableUuid);
        };
    }

    /** Opens the connection; completes with the join version once the node joined it to the room. */
    CompletableFuture<Long> connect(HttpClient http, String baseUrl, Duration timeout) {
        CompletableFuture<Long> join = new CompletableFuture<>();
        joined = join;
        live = false;
        URI uri = uri(baseUrl);
        // ws:// through the generator's own blocking client on a virtual thread (cheap per frame);
        // wss:// (or -Dsocketload.jdk-client=true) through java.net.http
        CompletableFuture<java.net.http.WebSocket> opening = "ws".equals(uri.getScheme()) && !Boolean.getBoolean("socketload.jdk-client")
                ? RawListenerSocket.open(uri, this, timeout)
                : http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, this);
        opening.whenComplete((socket, failure) -> {
                    if (failure != null) {
                        join.completeExceptionally(failure);
                    }
                });
        return join.orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** From now on this socket reads nothing more: the node sees a client that stopped reading. */
    void stopReading() {
        stopReading = true;
    }

    /** A stopped reader reads again: what the node buffered for it, then whatever ended the connection. */
    void resumeReading() {
        stopReading = false;
        WebSocket socket = ws;
        if (socket != null) {
            socket.request(1);
        }
    }

    boolean stopped() {
        return stopReading;
    }

    long version() {
        return version;
    }

    boolean live() {
        return live;
    }

    long duplicates() {
        return duplicates;
    }

    /** The {@code node_url} of the last {@code base-moved} frame, or null. */
    String movedTo() {
        return movedTo;
    }

    CompletableFuture<Long> joined() {
        return joined;
    }

    /** Sends one operation (JSON object text); returns its reference, echoed by {@link Events#acked}. */
    long send(String operationJson) {
        long ref = nextRef.incrementAndGet();
        sentAt.put(ref, System.nanoTime());
        String frame = switch (framing) {
            case WS -> "{\"event\":\"update-dtable\",\"seq\":" + ref + ",\"data\":" + operationJson + "}";
            case SOCKETIO -> "42" + ref + "[\"update-dtable\"," + Json.quote(dtableUuid) + "," + Json.quote(operationJson) + "]";
        };
        sendText(frame);
        return ref;
    }

    /** When operation {@code ref} was sent ({@link System#nanoTime()}), or 0. */
    long sentAt(long ref) {
        Long at = sentAt.remove(ref);
        return at == null ? 0 : at;
    }

    void abort() {
        WebSocket socket = ws;
        live = false;
        if (socket != null) {
            socket.abort();
        }
    }

    private synchronized void sendText(String frame) {
        // java.net.http allows one outstanding send per socket: chain them, never block the listener
        WebSocket socket = ws;
        if (socket != null) {
            sending = sending.handle((ignored, failure) -> null)
                    .thenCompose(ignored -> socket.sendText(frame, true));
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        ws = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        long now = System.nanoTime();
        String frame = message.append(data, last);
        if (frame != null) {
            try {
                if (framing == Framing.WS) {
                    onWsFrame(frame, now);
                } else {
                    onEngineIoPacket(frame, now);
                }
            } catch (RuntimeException e) {
                System.err.println("socket of " + dtableUuid + ": bad frame " + abbreviate(frame) + ": " + e);
            }
        }
        if (!stopReading || !live) {
            webSocket.request(1);
        }
        return null;
    }

    private void onWsFrame(String frame, long now) {
        if (frame.startsWith("{\"event\":\"update-dtable\"")) {
            received(Json.longAfter(frame, "\"version\":"), now);
        } else if (frame.startsWith("{\"event\":\"ack\"")) {
            long ref = Json.longAfter(frame, "\"seq\":");
            long v = Json.longAfter(frame, "\"version\":");
            received(v, -1);
            events.acked(this, ref, v, now);
        } else if (frame.startsWith("{\"event\":\"joined\"")) {
            long v = Json.longAfter(frame, "\"version\":");
            long had = version;
            if (had < 0) {
                version = v;
            } else if (had < v) {
                sendText("{\"event\":\"sync\",\"data\":{\"from_version\":" + had + "}}");
            }
            live = true;
            joined.complete(v);
        } else if (frame.startsWith("{\"event\":\"base-moved\"")) {
            String url = Json.stringAfter(frame, "\"node_url\":");
            movedTo = url;
        } else if (frame.startsWith("{\"event\":\"error\"")) {
            System.err.println("socket of " + dtableUuid + ": " + abbreviate(frame));
        }
    }

    private void onEngineIoPacket(String packet, long now) {
        if (packet.startsWith("42")) {
            // 42["update-dtable","<operation json>",<version>]; presence events are ignored
            if (packet.startsWith("42[\"update-dtable\"")) {
                received(Json.lastLong(packet), now);
            }
        } else if (packet.startsWith("43")) {
            int bracket = packet.indexOf('[');
            long ref = Long.parseLong(packet.substring(2, bracket));
            if (ref == 0) {
                joinAcked(packet);
                return;
            }
            if (packet.contains("\"status\":true")) {
                long v = Json.longAfter(packet, "\"dtable_version\":");
                received(v, -1);
                events.acked(this, ref, v, now);
            } else {
                System.err.println("socket.io of " + dtableUuid + ": refused " + abbreviate(packet));
            }
        } else if (packet.equals("2")) {
            sendText("3");
        } else if (packet.startsWith("0{")) {
            sendText("40");
        } else if (packet.startsWith("40")) {
            // connected to the namespace: join the base's room; ack id 0 is the join
            sendText("420[\"join-room\"," + Json.quote(dtableUuid) + "," + Json.quote(token) + "]");
        } else if (packet.startsWith("41") || packet.startsWith("1")) {
            live = false;
        }
    }

    private void joinAcked(String packet) {
        if (!packet.contains("\"status\":true")) {
            joined.completeExceptionally(new IllegalStateException("join-room refused: " + abbreviate(packet)));
            return;
        }
        long v = Json.longAfter(packet, "\"dtable_version\":");
        long had = version;
        if (had < 0) {
            version = v;
        } else if (had < v && catchUp != null) {
            // SeaTable's client reloads the base here; the log's operations are the cheaper equivalent
            Thread.ofVirtual().start(() -> catchUp.after(dtableUuid, token, had, missed -> received(missed, -1)));
        }
        live = true;
        joined.complete(v);
    }

    /** Applies {@code v} by version; {@code now} < 0 for a caught-up operation (not a live delivery). */
    private synchronized void received(long v, long now) {
        long had = version;
        if (v <= had || ahead.contains(v)) {
            duplicates++;
            return;
        }
        if (now >= 0) {
            events.delivered(this, v, now);
        }
        if (v != had + 1) {
            ahead.add(v);
            return;
        }
        long next = v;
        while (ahead.remove(next + 1)) {
            next++;
        }
        version = next;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        live = false;
        events.ended(this, statusCode, reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        live = false;
        joined.completeExceptionally(error);
        events.ended(this, 1006, String.valueOf(error));
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
