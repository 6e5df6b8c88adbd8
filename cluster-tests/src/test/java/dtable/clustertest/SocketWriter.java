package dtable.clustertest;

import dtable.bench.socket.TextMessage;
import dtable.core.bucket.BaseUuid;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real-time client of one base (SPEC §8): asks the proxy's {@code server-info} where the base lives,
 * connects to {@code ws://<node_url>/socket/dtables/{uuid}?token=…}, and sends {@code update-dtable} frames
 * (an {@code insert_row} with a unique payload), one at a time, waiting for the {@code ack}. On
 * {@code base-moved}, close or silence it records the write in flight as a client-visible error (its
 * outcome is unknown to the client; it is never re-sent) and reconnects through {@code server-info}.
 *
 * <p>As a reader it checks the server's stream: after {@code joined(v)} the versions of acks and
 * broadcasts must be exactly v+1, v+2, … (SPEC §8 "in version order, no gaps"), and it reports every
 * broadcast operation's payload to {@link History#observed} for the checker's comparison with the log.
 *
 * <p>The writer runs on its own thread; frames arrive on the HTTP client's threads, one at a time per
 * connection ({@link Connection} state is touched only there, except the futures).
 */
final class SocketWriter extends ClientWriter {

    /** A client that hears nothing this long gives up on the connection (browsers use a heartbeat of this order). */
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);

    /** What became of one {@code update-dtable}. */
    private sealed interface Reply {
    }

    private record Acked(long version) implements Reply {
    }

    private record Refused(String type, String message) implements Reply {
    }

    private record Closed(int code, String reason, String movedTo) implements Reply {
    }

    private final ClusterApi api;
    private final HttpClient http;
    /** Connects to the owner's write port (its {@code write_url}) instead of its {@code node_url}. */
    private final boolean toWritePort;
    private long seq;

    /**
     * @param toWritePort connect to the owner's write port ({@code write_url} in {@code server-info}) instead of its
     *                    {@code node_url}: the same socket on the node's event loops
     */
    SocketWriter(ClusterApi api, History history, BaseUuid base, String token, String clientId, long pauseMillis,
            boolean toWritePort) {
        super(history, base, token, clientId, pauseMillis);
        this.api = api;
        this.http = api.http();
        this.toWritePort = toWritePort;
    }

    @Override
    public void run() {
        Connection connection = null;
        long backoff = 100;
        try {
            while (running()) {
                if (connection == null || connection.closed) {
                    connection = connect();
                    if (connection == null) {
                        // back off while the base has no reachable owner, as a browser client does
                        pause(backoff);
                        backoff = Math.min(backoff * 2, 1000);
                        continue;
                    }
                    backoff = 100;
                }
                if (!writeOne(connection)) {
                    connection.abort();
                    connection = null;
                }
                pace();
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** Sends one operation and records the outcome; false when the connection is no longer usable. */
    private boolean writeOne(Connection connection) {
        String payload = nextPayload();
        long mySeq = ++seq;
        ObjectNode frame = ClusterApi.JSON.createObjectNode().put("event", "update-dtable").put("seq", mySeq);
        frame.putObject("data").put("op_type", "insert_row").put("table_id", "0000").putObject("row_data")
                .put("0000", payload);
        CompletableFuture<Reply> reply = connection.expect(mySeq);
        long sent = history.now();
        Reply outcome;
        try {
            connection.socket.sendText(frame.toString(), true).get(5, TimeUnit.SECONDS);
            outcome = reply.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            error(payload, "timeout", "no ack within " + ACK_TIMEOUT + " from " + connection.nodeId, sent);
            return false;
        } catch (ExecutionException e) {
            error(payload, "socket_io", String.valueOf(e.getCause()), sent);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            return false;
        }
        return switch (outcome) {
            case Acked acked -> {
                history.ack(new History.Ack(base.value(), acked.version(), payload, connection.nodeId, clientId, sent,
                        history.now()));
                yield true;
            }
            case Refused refused -> {
                error(payload, "socket_error_" + refused.type(), refused.message(), sent);
                yield !connection.closed;
            }
            case Closed closed -> {
                error(payload, closed.movedTo() != null ? "socket_base_moved" : "socket_closed_" + closed.code(),
                        closed.reason(), sent);
                yield false;
            }
        };
    }

    /** server-info → WebSocket → {@code joined}; null (after recording why) when any step fails. */
    private Connection connect() {
        long started = history.now();
        String nodeId;
        String nodeUrl;
        try {
            ClusterApi.Answer info = api.serverInfo(base, token);
            if (!info.ok()) {
                error(null, "server_info_" + info.status(), info.body(), started);
                return null;
            }
            JsonNode json = info.json();
            nodeId = json.path("node_id").asString("?");
            String writeUrl = json.path("write_url").asString("");
            nodeUrl = toWritePort && !writeUrl.isEmpty() ? writeUrl : json.path("node_url").asString("");
        } catch (RuntimeException e) {
            error(null, "server_info_io", e.getMessage(), started);
            return null;
        }
        URI uri = URI.create(nodeUrl.replaceFirst("^http", "ws").replaceFirst("/$", "") + "/socket/dtables/"
                + base.value() + "?token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8));
        Connection connection = new Connection(nodeId);
        try {
            connection.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(3))
                    .buildAsync(uri, connection).get(5, TimeUnit.SECONDS);
            connection.joined.get(10, TimeUnit.SECONDS);
            return connection;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            error(null, "socket_connect", nodeId + ": " + cause, started);
        }
        connection.abort();
        return null;
    }

    /** One WebSocket connection: frame assembly, reply futures, the stream-order check. */
    private final class Connection implements WebSocket.Listener {
        final String nodeId;
        final CompletableFuture<Long> joined = new CompletableFuture<>();
        final Map<Long, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
        volatile WebSocket socket;
        volatile boolean closed;
        /** Listener thread only. */
        private final TextMessage message = new TextMessage();
        private long lastVersion = -1;
        private String movedTo;

        Connection(String nodeId) {
            this.nodeId = nodeId;
        }

        CompletableFuture<Reply> expect(long seq) {
            CompletableFuture<Reply> future = new CompletableFuture<>();
            pending.put(seq, future);
            if (closed) {
                future.complete(new Closed(-1, "closed before sending", movedTo));
            }
            return future;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            String text = message.append(data, last);
            if (text != null) {
                try {
                    handle(ClusterApi.JSON.readTree(text));
                } catch (RuntimeException e) {
                    history.error(new History.ClientError(base.value(), clientId, null, "socket_bad_frame",
                            e + ": " + text, history.now(), 0));
                }
            }
            webSocket.request(1);
            return null;
        }

        private void handle(JsonNode frame) {
            JsonNode data = frame.path("data");
            switch (frame.path("event").asString("")) {
                case "joined" -> {
                    lastVersion = data.path("version").asLong();
                    joined.complete(lastVersion);
                }
                case "ack" -> {
                    long version = data.path("version").asLong();
                    inOrder(version);
                    complete(frame.path("seq").asLong(), new Acked(version));
                }
                case "update-dtable" -> {
                    long version = data.path("version").asLong();
                    inOrder(version);
                    String payload = Payloads.find(data.path("operation"));
                    if (payload != null) {
                        history.observed(base.value(), version, payload);
                    }
                }
                case "error" -> {
                    if (frame.has("seq")) {
                        complete(frame.path("seq").asLong(), new Refused(data.path("error_type").asString("?"),
                                data.path("error_msg").asString("")));
                    }
                }
                case "base-moved" -> movedTo = data.path("node_url").asString(null);
                default -> {
                    // pong and future events: nothing to check
                }
            }
        }

        private void inOrder(long version) {
            if (lastVersion >= 0 && version != lastVersion + 1) {
                history.gap(new History.StreamGap(base.value(), clientId, lastVersion + 1, version, history.now()));
            }
            lastVersion = Math.max(lastVersion, version);
        }

        private void complete(long seq, Reply reply) {
            CompletableFuture<Reply> future = pending.remove(seq);
            if (future != null) {
                future.complete(reply);
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended(statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended(-1, String.valueOf(error));
        }

        private void ended(int code, String reason) {
            closed = true;
            joined.completeExceptionally(new IllegalStateException("closed " + code + " " + reason));
            Closed outcome = new Closed(code, reason, movedTo);
            pending.values().forEach(f -> f.complete(outcome));
            pending.clear();
        }

        void close() {
            WebSocket ws = socket;
            if (ws != null && !closed) {
                try {
                    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(2, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // closing anyway
                }
                ws.abort();
            }
            closed = true;
        }

        void abort() {
            WebSocket ws = socket;
            if (ws != null) {
                ws.abort();
            }
            closed = true;
        }
    }
}
