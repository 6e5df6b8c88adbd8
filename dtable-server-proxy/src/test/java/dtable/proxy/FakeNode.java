package dtable.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dtable.core.cluster.NodeInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in dtable-server for proxy tests: a JDK {@link HttpServer} on a loopback port that records
 * every request it receives and answers through a replaceable {@link Responder}, always with
 * {@code X-Dtable-Node: <node id>}. The default responder echoes what it got as JSON. Uses heap
 * buffers only, so Netty's allocator metrics count the proxy alone. Thread-safe.
 */
final class FakeNode implements AutoCloseable {

    /** One request as the node saw it. */
    record Received(String method, String uri, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name)) {
                    return String.join(",", entry.getValue());
                }
            }
            return null;
        }
    }

    /** Writes the answer to one request; {@code call} counts this node's requests from 1. */
    @FunctionalInterface
    interface Responder {
        void respond(FakeNode node, HttpExchange exchange, Received request, int call) throws IOException;
    }

    /** Reads the body before the responder runs; a {@link StreamingResponder} reads it itself. */
    interface StreamingResponder extends Responder {
    }

    private final String nodeId;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile Responder responder = FakeNode::echo;

    private FakeNode(String nodeId, int port) throws IOException {
        this.nodeId = nodeId;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static FakeNode start(String nodeId) {
        return start(nodeId, 0);
    }

    static FakeNode start(String nodeId, int port) {
        try {
            return new FakeNode(nodeId, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start fake node " + nodeId, e);
        }
    }

    String nodeId() {
        return nodeId;
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    NodeInfo info() {
        return info(null);
    }

    /** The registration of this node with a write port at {@code writeUrl} (null: none). */
    NodeInfo info(String writeUrl) {
        return new NodeInfo(nodeId, "http://node-" + nodeId + ".example:5000/", url(), "2025-01-01T00:00:00Z",
                List.of(), writeUrl);
    }

    FakeNode respond(Responder responder) {
        this.responder = responder;
        return this;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    int calls() {
        return calls.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int call = calls.incrementAndGet();
            Responder current = responder;
            byte[] body = current instanceof StreamingResponder ? new byte[0] : exchange.getRequestBody().readAllBytes();
            Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    Map.copyOf(exchange.getRequestHeaders()), body);
            received.add(request);
            exchange.getResponseHeaders().set("X-Dtable-Node", nodeId);
            current.respond(this, exchange, request, call);
        } catch (IOException | RuntimeException e) {
            // the proxy may close a connection under us (timeouts); nothing to answer then
        }
    }

    // ---- responders ---------------------------------------------------------------------------

    /** 200 with {@code {"node","method","uri","body_length","body_sha256"}}. */
    static void echo(FakeNode node, HttpExchange exchange, Received request, int call) throws IOException {
        String json = "{\"node\":\"" + node.nodeId + "\",\"method\":\"" + request.method() + "\",\"uri\":\""
                + request.uri().replace("\"", "\\\"") + "\",\"body_length\":" + request.body().length
                + ",\"body_sha256\":\"" + sha256(request.body()) + "\"}";
        sendJson(exchange, 200, json);
    }

    /** The dtable-server's 307 "base_moved" answer pointing at {@code owner}. */
    static void moved(HttpExchange exchange, NodeInfo owner) throws IOException {
        exchange.getResponseHeaders().set("Location", owner.nodeUrl());
        sendJson(exchange, 307, "{\"error_type\":\"base_moved\",\"error_msg\":\"moved\",\"node_id\":\""
                + owner.nodeId() + "\",\"node_url\":\"" + owner.nodeUrl() + "\"}");
    }

    /** The dtable-server's 503 while a base moves, loads or the node is fenced. */
    static void unavailable(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Retry-After", "1");
        sendJson(exchange, 503, "{\"error_type\":\"base_unavailable\",\"error_msg\":\"base is loading\"}");
    }

    static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Reads a request body in small pieces, pausing between them: a node slower than its client. */
    static byte[] readSlowly(InputStream in, int pieceBytes, long pauseMillis) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        byte[] piece = new byte[pieceBytes];
        int n;
        while ((n = in.readNBytes(piece, 0, piece.length)) > 0) {
            all.write(piece, 0, n);
            pause(pauseMillis);
        }
        return all.toByteArray();
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
