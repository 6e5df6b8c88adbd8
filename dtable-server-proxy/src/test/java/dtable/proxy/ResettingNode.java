package dtable.proxy;

import dtable.core.cluster.NodeInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * A node speaking just enough HTTP/1.1 to read a whole request and then either reset the connection
 * (TCP RST, as a crashing process does) or answer 200 {@code ok} and close. Which calls are reset is
 * decided by a predicate over the call number (from 1). One connection at a time; thread-safe.
 */
final class ResettingNode implements AutoCloseable {

    private final String nodeId;
    private final ServerSocket server;
    private final IntPredicate reset;
    private final AtomicInteger calls = new AtomicInteger();
    private final Thread acceptor;

    ResettingNode(String nodeId, IntPredicate reset) throws IOException {
        this.nodeId = nodeId;
        this.reset = reset;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().start(this::serve);
    }

    NodeInfo info() {
        return new NodeInfo(nodeId, "http://" + nodeId + ".example/", "http://127.0.0.1:" + server.getLocalPort() + "/",
                "2025-01-01T00:00:00Z");
    }

    int calls() {
        return calls.get();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                readRequest(socket.getInputStream());
                int call = calls.incrementAndGet();
                if (reset.test(call)) {
                    socket.setSoLinger(true, 0); // close() now sends RST
                    continue;
                }
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nX-Dtable-Node: " + nodeId
                        + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // closed
            }
        }
    }

    /** Reads one request; a connection closed inside its head throws (and is not counted as a call). */
    private static void readRequest(InputStream in) throws IOException {
        String head = WebSocketNode.readHead(in);
        long length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        in.readNBytes((int) length);
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
