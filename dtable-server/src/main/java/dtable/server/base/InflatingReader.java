package dtable.server.base;

import dtable.model.stored.SnapshotCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Gunzips a snapshot on its own thread, a few chunks ahead of the reader, so that inflating
 * (about a fifth of a big base's load) overlaps the JSON parse instead of preceding every token of it.
 * The reader sees an ordinary {@link InputStream}; an inflate failure surfaces as an {@link IOException}
 * on its next read. Closing the stream stops the inflating thread.
 */
final class InflatingReader extends InputStream {

    private static final int CHUNK = 256 * 1024;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(8);
    private final Thread inflater;
    private volatile IOException failure;
    private volatile boolean closed;
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    private InflatingReader(byte[] gzip, String name) {
        this.inflater = Thread.ofPlatform().name("inflate-" + name).daemon(true).unstarted(() -> inflate(gzip));
    }

    /** Starts inflating {@code gzip} at once; {@code name} names the thread (the base). */
    static InputStream start(byte[] gzip, String name) {
        InflatingReader reader = new InflatingReader(gzip, name);
        reader.inflater.start();
        return reader;
    }

    private void inflate(byte[] gzip) {
        try (InputStream in = SnapshotCodec.inflating(gzip)) {
            while (!closed) {
                byte[] chunk = in.readNBytes(CHUNK);
                if (chunk.length == 0) {
                    break;
                }
                put(chunk);
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            return; // closed by the reader
        }
        try {
            put(END);
        } catch (InterruptedException e) {
            // closed by the reader
        }
    }

    private void put(byte[] chunk) throws InterruptedException {
        while (!closed && !chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
            // wait for the reader, unless it closed
        }
    }

    /** Moves to the next chunk when the current one is used up; false at the end. */
    private boolean fill() throws IOException {
        while (position == current.length) {
            if (ended) {
                return false;
            }
            byte[] next;
            try {
                next = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while inflating a snapshot");
            }
            if (next == END) {
                ended = true;
                if (failure != null) {
                    throw new IOException("snapshot cannot be inflated: " + failure.getMessage(), failure);
                }
                return false;
            }
            current = next;
            position = 0;
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        return fill() ? current[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() {
        closed = true;
        inflater.interrupt();
    }
}
