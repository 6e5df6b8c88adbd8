package dtable.bench.write;

import dtable.bench.socket.RawWebSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * WebSocket connections driven by one selector thread, as wrk drives its HTTP connections: non-blocking reads of
 * whatever arrived, frames parsed from the connection's buffer, one {@code write} per message sent. A load
 * generator that shares the cores with the server it measures should cost little per operation; a platform
 * thread per socket (blocking reads) cost 26-48 µs of client CPU per operation, wrk 19-22 µs per HTTP write.
 *
 * <p>Text messages only, no extensions; the server's frames must not be masked. Threads: the owner's thread
 * connects ({@link #open}), then only {@link #run} touches the connections; {@link #send} is for the
 * {@link Handler} callbacks, which run on that thread.
 */
final class SelectorSockets implements Runnable {

    /** What a connection does with its messages; called on the selector thread. */
    interface Handler {
        /** The connection is open (the upgrade answered 101). */
        void opened(Connection connection) throws IOException;

        /** One whole text message arrived. */
        void message(Connection connection, String text) throws IOException;

        /** The connection ended (a close frame, end of stream or an error). */
        void ended(Connection connection, String why);

        /** Called on every turn of the loop (after the ready connections), e.g. to start sending. */
        default void turn(List<Connection> connections) throws IOException {
        }
    }

    /** One WebSocket connection of this loop. */
    static final class Connection {
        final Object owner;
        private final SocketChannel channel;
        private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        private byte[] message = new byte[4096];
        private int messageLength;
        private boolean upgraded;
        private boolean ended;

        private Connection(Object owner, SocketChannel channel) {
            this.owner = owner;
            this.channel = channel;
        }

        /** Sends one text message as a single masked frame. */
        void send(String text) throws IOException {
            ByteBuffer frame = ByteBuffer.wrap(RawWebSocket.textFrame(text));
            while (frame.hasRemaining()) {
                if (channel.write(frame) == 0) {
                    Thread.onSpinWait(); // the socket buffer is full: a small message waits for room
                }
            }
        }

        boolean ended() {
            return ended;
        }
    }

    private final Selector selector;
    private final Handler handler;
    private final List<Connection> connections = new ArrayList<>();
    private volatile boolean stopped;

    SelectorSockets(Handler handler) throws IOException {
        this.selector = Selector.open();
        this.handler = handler;
    }

    /** Connects to {@code ws://host:port/path?query} and sends the upgrade request; call before {@link #run}. */
    Connection open(URI uri, Object owner) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(uri.getHost(), uri.getPort()));
        channel.socket().setTcpNoDelay(true);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        ByteBuffer request = ByteBuffer.wrap(("GET " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        while (request.hasRemaining()) {
            channel.write(request);
        }
        channel.configureBlocking(false);
        Connection connection = new Connection(owner, channel);
        channel.register(selector, SelectionKey.OP_READ, connection);
        connections.add(connection);
        return connection;
    }

    /** Makes {@link #run} call {@link Handler#turn} soon (from any thread). */
    void wakeup() {
        selector.wakeup();
    }

    /** Ends {@link #run} and closes every connection (from any thread). */
    void stop() {
        stopped = true;
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection connection = (Connection) key.attachment();
                    try {
                        read(connection);
                    } catch (IOException | RuntimeException e) {
                        end(connection, e.toString());
                    }
                }
                selector.selectedKeys().clear();
                handler.turn(connections);
            }
        } catch (IOException e) {
            connections.forEach(c -> end(c, e.toString()));
        } finally {
            for (Connection connection : connections) {
                try {
                    connection.channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    private void read(Connection c) throws IOException {
        if (c.ended) {
            return;
        }
        int n = c.channel.read(c.in);
        if (n < 0) {
            end(c, "connection ended");
            return;
        }
        c.in.flip();
        if (!c.upgraded && !readUpgrade(c)) {
            c.in.compact();
            return;
        }
        while (!c.ended && readFrame(c)) {
            // every whole frame in the buffer
        }
        c.in.compact();
    }

    /** Consumes the 101 answer when it is whole; false while more of it must arrive. */
    private boolean readUpgrade(Connection c) throws IOException {
        ByteBuffer in = c.in;
        for (int i = in.position(); i + 3 < in.limit(); i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                byte[] head = new byte[i - in.position()];
                in.get(head);
                in.position(i + 4);
                String status = new String(head, StandardCharsets.US_ASCII).lines().findFirst().orElse("");
                if (!status.startsWith("HTTP/1.1 101")) {
                    end(c, "upgrade refused: " + status);
                    return false;
                }
                c.upgraded = true;
                handler.opened(c);
                return true;
            }
        }
        return false;
    }

    /** Parses one frame from the buffer; false when it is not whole yet (the buffer is left at its start). */
    private boolean readFrame(Connection c) throws IOException {
        ByteBuffer in = c.in;
        int start = in.position();
        if (in.remaining() < 2) {
            return false;
        }
        int b0 = in.get() & 0xff;
        int b1 = in.get() & 0xff;
        long length = b1 & 0x7f;
        if (length == 126) {
            if (in.remaining() < 2) {
                in.position(start);
                return false;
            }
            length = in.getShort() & 0xffff;
        } else if (length == 127) {
            if (in.remaining() < 8) {
                in.position(start);
                return false;
            }
            length = in.getLong();
        }
        if ((b1 & 0x80) != 0) {
            throw new IOException("the server masked a frame");
        }
        if (length > in.capacity() - 16) {
            throw new IOException("frame of " + length + " bytes is larger than this client's buffer");
        }
        if (in.remaining() < length) {
            in.position(start);
            return false;
        }
        int opcode = b0 & 0x0f;
        switch (opcode) {
            case 0x8 -> {
                in.position(in.position() + (int) length);
                end(c, "closed by the server");
            }
            case 0x9 -> {
                in.position(in.position() + (int) length); // ping: the node's sockets are not pinged here
            }
            case 0xA -> in.position(in.position() + (int) length);
            case 0x0, 0x1 -> {
                int n = (int) length;
                if (c.messageLength + n > c.message.length) {
                    c.message = java.util.Arrays.copyOf(c.message, Math.max(c.message.length * 2, c.messageLength + n));
                }
                in.get(c.message, c.messageLength, n);
                c.messageLength += n;
                if ((b0 & 0x80) != 0) {
                    String text = new String(c.message, 0, c.messageLength, StandardCharsets.UTF_8);
                    c.messageLength = 0;
                    handler.message(c, text);
                }
            }
            default -> throw new IOException("unexpected opcode " + opcode);
        }
        return true;
    }

    private void end(Connection c, String why) {
        if (!c.ended) {
            c.ended = true;
            handler.ended(c, why);
        }
    }
}
