package dtable.proxy;

import dtable.core.cluster.NodeInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A node that accepts WebSocket upgrades the way a socket.io server does, over plain sockets: it
 * records each request head, answers {@code 101 Switching Protocols} (with the RFC 6455 accept key)
 * and then echoes every byte it receives. A request whose query holds {@code sid=unknown} gets
 * Engine.IO's 400 "Session ID unknown" instead, and the connection stays open, so that a test sees
 * whether the proxy ends it. {@link #dropConnections()} closes every open connection, as a node
 * does when a base leaves it. Thread-safe.
 */
final class WebSocketNode implements AutoCloseable {

    static final String UNKNOWN_SID_BODY = "{\"code\":1,\"message\":\"Session ID unknown\"}";

    private final String nodeId;
    private final ServerSocket server;
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    WebSocketNode(String nodeId) throws IOException {
        this.nodeId = nodeId;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    NodeInfo info() {
        return new NodeInfo(nodeId, "http://" + nodeId + ".example/", "http://127.0.0.1:" + server.getLocalPort() + "/",
                "2025-01-01T00:00:00Z");
    }

    String nodeId() {
        return nodeId;
    }

    /** Request heads received, in order. */
    List<String> heads() {
        return List.copyOf(heads);
    }

    void dropConnections() throws IOException {
        for (Socket socket : open) {
            socket.close();
        }
        open.clear();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            String head = readHead(in);
            heads.add(head);
            if (head.lines().findFirst().orElse("").contains("sid=unknown")) {
                byte[] body = UNKNOWN_SID_BODY.getBytes(StandardCharsets.US_ASCII);
                out.write(("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                in.read(); // keep the connection open until the proxy closes it
                return;
            }
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept(header(head, "sec-websocket-key")) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // closed by either side
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                    .getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside a head");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropConnections();
    }
}
