package dtable.model.stored;

import dtable.model.Base;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The stored form of a base ({@code dtable_snapshots.snapshot}): the base's JSON document ({@link Base#write}),
 * gzip-compressed. The one place that frames it, for the node that writes snapshots and for every
 * reader (the node loading a base, the slave); the JSON itself is {@link Base#read}'s and
 * {@link Base#write}'s business.
 *
 * <p>A {@code null} snapshot is a base never snapshotted: empty, at version 0.
 *
 * <p>Stateless and thread-safe; streams only, no database.
 */
public final class SnapshotCodec {

    /** Deflater and inflater buffer: a snapshot runs to megabytes, the default 512 bytes costs calls. */
    private static final int BUFFER = 64 * 1024;

    private SnapshotCodec() {
    }

    /**
     * A stream that compresses into {@code sink}. Closing it writes the gzip trailer and closes {@code sink};
     * a stream not closed is not a snapshot.
     */
    public static OutputStream compressing(OutputStream sink) throws IOException {
        return new FastGzip(sink);
    }

    /**
     * Compression level of snapshots: the fastest. On a 1,000,000-row base (290 MiB of JSON) level 6 took 4.2 s
     * of CPU for 50.3 MiB, level 1 1.6 s for 60.8 MiB, and reading either back took the same 0.4-0.5 s: a node's
     * CPU is scarcer than the database's bytes, and the snapshot competes with the writes for it.
     */
    static final int LEVEL = Deflater.BEST_SPEED;

    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream sink) throws IOException {
            super(sink, BUFFER);
            def.setLevel(LEVEL);
        }
    }

    /**
     * A stream of the JSON inside {@code gzip}.
     *
     * @throws IOException when {@code gzip} does not start with a gzip header; a corrupt or truncated body
     *                     fails later, on the read that reaches it
     */
    public static InputStream inflating(byte[] gzip) throws IOException {
        return new GZIPInputStream(new ByteArrayInputStream(gzip), BUFFER);
    }

    /** The snapshot of {@code base} as it is now. */
    public static byte[] encode(Base base) {
        return encode(base::write, BUFFER);
    }

    /**
     * A snapshot of whatever {@code json} writes (a {@link Base} or a frozen view of one).
     *
     * @param sizeHint the expected compressed size, to size the buffer once
     */
    public static byte[] encode(Consumer<OutputStream> json, int sizeHint) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(BUFFER, sizeHint));
        try (OutputStream out = compressing(bytes)) {
            json.accept(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * The base stored in {@code gzip}, or an empty base for {@code null}.
     *
     * @param name what the snapshot is of (the base's UUID), for the error message
     * @throws UncheckedIOException     when {@code gzip} is not a complete gzip stream
     * @throws dtable.model.ModelException when the JSON inside is not a base
     */
    public static Base decode(byte[] gzip, String name) {
        if (gzip == null) {
            return Base.empty();
        }
        try (InputStream in = inflating(gzip)) {
            return Base.read(in);
        } catch (IOException e) {
            throw unreadable(name, e);
        } catch (RuntimeException e) {
            // the parser wraps the inflater's failure (a corrupt or truncated body) in its own exception
            IOException inflate = ioCause(e);
            throw inflate == null ? e : unreadable(name, inflate);
        }
    }

    private static IOException ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    private static UncheckedIOException unreadable(String name, IOException cause) {
        return new UncheckedIOException("snapshot of " + name + " cannot be inflated (not a complete gzip stream): "
                + cause.getMessage(), cause);
    }
}
