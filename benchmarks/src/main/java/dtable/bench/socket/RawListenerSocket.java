package dtable.bench.socket;

import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Drives a {@link java.net.http.WebSocket.Listener} from a {@link RawWebSocket} read by one virtual thread, so
 * that the load generator's sockets cost a blocking read each instead of {@code java.net.http}'s per-frame
 * tasks (the generator shares the node's cores; measured in a {@code rooms} run: about 60 µs of generator CPU
 * per delivery with the JDK client). Implements the part of {@link java.net.http.WebSocket} that
 * {@link LoadSocket} uses: text sends, {@code request(n)} demand (a stopped reader requests nothing, so the
 * node's send buffer fills as with a real client that stopped reading), {@code abort} and close.
 */
final class RawListenerSocket implements java.net.http.WebSocket {

    private final RawWebSocket socket;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition demanded = lock.newCondition();
    /** Messages the listener asked for and has not been given yet; guarded by {@code lock}. */
    private long demand;
    private static final int OPEN = 0;
    private static final int CLOSED = 1;
    private static final int ABORTED = 2;
    /** Whether this side closed ({@link #sendClose}) or aborted the connection. */
    private volatile int closedByUs = OPEN;
    private volatile boolean inputClosed;
    private volatile boolean outputClosed;

    private RawListenerSocket(RawWebSocket socket) {
        this.socket = socket;
    }

    /** Opens {@code uri} (ws only) on a virtual thread and runs {@code listener} until the connection ends. */
    static CompletableFuture<java.net.http.WebSocket> open(URI uri, Listener listener, Duration timeout) {
        CompletableFuture<java.net.http.WebSocket> opened = new CompletableFuture<>();
        Thread.ofVirtual().name("load-socket").start(() -> {
            RawListenerSocket ws;
            try {
                ws = new RawListenerSocket(RawWebSocket.connect(uri, (int) timeout.toMillis()));
            } catch (IOException | RuntimeException e) {
                opened.completeExceptionally(e); // as with java.net.http: a socket that never opened tells no listener
                return;
            }
            opened.complete(ws);
            ws.read(listener);
        });
        return opened;
    }

    private void read(Listener listener) {
        listener.onOpen(this);
        try {
            while (true) {
                awaitDemand();
                String text = socket.readText();
                listener.onText(this, text, true);
            }
        } catch (RawWebSocket.Closed closed) {
            inputClosed = true;
            listener.onClose(this, closed.code, closed.reason);
        } catch (EOFException e) {
            inputClosed = true;
            listener.onClose(this, 1006, "connection ended without a close frame");
        } catch (IOException | RuntimeException | InterruptedException e) {
            inputClosed = true;
            if (closedByUs == CLOSED) {
                // sendClose closed the connection under the read: a normal close, as java.net.http reports it
                listener.onClose(this, 1000, "closed by the client");
            } else if (closedByUs == OPEN) {
                listener.onError(this, e);
            } // aborted: no more calls, as with java.net.http
        } finally {
            socket.abort();
        }
    }

    private void awaitDemand() throws InterruptedException {
        lock.lock();
        try {
            while (demand == 0) {
                demanded.await();
            }
            demand--;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void request(long n) {
        lock.lock();
        try {
            demand += n;
            demanded.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletableFuture<java.net.http.WebSocket> sendText(CharSequence data, boolean last) {
        if (!last) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("whole messages only"));
        }
        try {
            socket.sendText(data.toString());
            return CompletableFuture.completedFuture(this);
        } catch (IOException e) {
            outputClosed = true;
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<java.net.http.WebSocket> sendClose(int statusCode, String reason) {
        outputClosed = true;
        closedByUs = CLOSED;
        try {
            socket.close();
            return CompletableFuture.completedFuture(this);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void abort() {
        closedByUs = ABORTED;
        inputClosed = true;
        outputClosed = true;
        socket.abort();
    }

    @Override
    public CompletableFuture<java.net.http.WebSocket> sendBinary(ByteBuffer data, boolean last) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("text only"));
    }

    @Override
    public CompletableFuture<java.net.http.WebSocket> sendPing(ByteBuffer message) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("text only"));
    }

    @Override
    public CompletableFuture<java.net.http.WebSocket> sendPong(ByteBuffer message) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("text only"));
    }

    @Override
    public String getSubprotocol() {
        return "";
    }

    @Override
    public boolean isOutputClosed() {
        return outputClosed;
    }

    @Override
    public boolean isInputClosed() {
        return inputClosed;
    }
}
