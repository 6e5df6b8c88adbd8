package dtable.bench.socket;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal blocking WebSocket client (RFC 6455, text messages, no extensions) for a load generator that must
 * cost little CPU next to the server it measures on the same cores: one {@code write} per message sent, reads
 * through an 8 KiB buffer, no per-message tasks or futures. {@code java.net.http}'s WebSocket cost 87-177 µs of
 * client CPU per operation in {@code bench/write-throughput.sh}, against wrk's 17-27 µs per HTTP write.
 *
 * <p>Threads: one thread reads; sends may come from other threads (one write per message, under a lock).
 */
public final class RawWebSocket implements Closeable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private byte[] message = new byte[4096];

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        this.out = socket.getOutputStream();
    }

    /** Opens {@code ws://host:port/path?query} and completes the upgrade handshake. */
    public static RawWebSocket connect(URI uri) throws IOException {
        return connect(uri, 10_000);
    }

    /** {@link #connect(URI)} with a time limit in milliseconds for the TCP connect and for the handshake. */
    public static RawWebSocket connect(URI uri, int timeoutMillis) throws IOException {
        if (!"ws".equals(uri.getScheme())) {
            throw new IllegalArgumentException("only ws:// URLs: " + uri);
        }
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort()), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        RawWebSocket ws = new RawWebSocket(socket);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String request = "GET " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce) + "\r\n\r\n";
        ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
        String status = ws.readLine();
        if (!status.startsWith("HTTP/1.1 101")) {
            ws.close();
            throw new IOException("upgrade refused: " + status);
        }
        while (!ws.readLine().isEmpty()) {
            // headers of the 101: nothing in them is needed here
        }
        socket.setSoTimeout(0);
        return ws;
    }

    /** Sends one text message as a single masked frame, with one write. */
    public void sendText(String text) throws IOException {
        byte[] frame = textFrame(text);
        synchronized (out) {
            out.write(frame);
        }
    }

    /** One text message as a single masked client frame (RFC 6455 §5.2), ready to write. */
    public static byte[] textFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int n = payload.length;
        int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
        byte[] frame = new byte[header + 4 + n];
        frame[0] = (byte) 0x81; // FIN, text
        if (n < 126) {
            frame[1] = (byte) (0x80 | n);
        } else if (n < 65536) {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (n >>> 8);
            frame[3] = (byte) n;
        } else {
            frame[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        int mask = ThreadLocalRandom.current().nextInt();
        for (int i = 0; i < 4; i++) {
            frame[header + i] = (byte) (mask >>> (24 - 8 * i));
        }
        for (int i = 0; i < n; i++) {
            frame[header + 4 + i] = (byte) (payload[i] ^ frame[header + (i & 3)]);
        }
        return frame;
    }

    /** The server ended the connection with a close frame ({@code code} 1005 when it gave none). */
    public static final class Closed extends EOFException {
        public final int code;
        public final String reason;

        Closed(int code, String reason) {
            super("closed by the server (" + code + " " + reason + ")");
            this.code = code;
            this.reason = reason;
        }
    }

    /**
     * Reads the next complete text message (fragments put together); answers pings.
     *
     * @throws Closed       when the server sent a close frame
     * @throws EOFException when the connection ended without one
     */
    public String readText() throws IOException {
        int length = 0;
        while (true) {
            int b0 = read();
            int b1 = read();
            long n = b1 & 0x7f;
            if (n == 126) {
                n = (read() << 8) | read();
            } else if (n == 127) {
                n = 0;
                for (int i = 0; i < 8; i++) {
                    n = (n << 8) | read();
                }
            }
            if ((b1 & 0x80) != 0) {
                throw new IOException("the server masked a frame");
            }
            int opcode = b0 & 0x0f;
            byte[] payload = readFully((int) n);
            switch (opcode) {
                case 0x8 -> throw payload.length < 2 ? new Closed(1005, "")
                        : new Closed(((payload[0] & 0xff) << 8) | (payload[1] & 0xff),
                                new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
                case 0x9 -> sendControl(0xA, payload);
                case 0xA -> { } // pong: nothing to do
                case 0x0, 0x1 -> {
                    if (length + payload.length > message.length) {
                        message = java.util.Arrays.copyOf(message, Math.max(message.length * 2, length + payload.length));
                    }
                    System.arraycopy(payload, 0, message, length, payload.length);
                    length += payload.length;
                    if ((b0 & 0x80) != 0) {
                        return new String(message, 0, length, StandardCharsets.UTF_8);
                    }
                }
                default -> throw new IOException("unexpected opcode " + opcode);
            }
        }
    }

    /** Closes the TCP connection without a close frame. */
    public void abort() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        try {
            sendControl(0x8, new byte[] {0x03, (byte) 0xe8}); // 1000, normal closure
        } catch (IOException ignored) {
            // closing anyway
        }
        socket.close();
    }

    private void sendControl(int opcode, byte[] payload) throws IOException {
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) (0x80 | payload.length); // masked, key 0: payload unchanged
        System.arraycopy(payload, 0, frame, 6, payload.length);
        synchronized (out) {
            out.write(frame);
        }
    }

    private int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    private byte[] readFully(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new EOFException("connection closed inside a frame");
        }
        return bytes;
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = read()) != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
