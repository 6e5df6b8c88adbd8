package dtable.slave.cache;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last rendering of whole bases ({@code GET /dtables/{uuid}}), kept while the base does not
 * change: a large base is read far more often than it is written on a read replica, and rendering a
 * 100,000-row base costs a few hundred milliseconds of CPU the owner's host may share.
 *
 * <p>At most one rendering per base (the newest version), least recently used dropped first to stay
 * within {@code maxBytes}; a rendering larger than the budget is not kept. Beside it the memo keeps
 * its gzip encoding once a client asked for one (browsers always do), so a read of an unchanged base
 * costs copying a tenth of the bytes, on the slave and on the owner that relays it. Thread-safe (one monitor;
 * only map updates happen under it).
 */
final class DocumentMemo {

    /** One base's rendering; {@code gzip} is its gzip encoding, made on first demand (guarded by the memo). */
    private static final class Rendering {
        final long version;
        final byte[] json;
        byte[] gzip;

        Rendering(long version, byte[] json) {
            this.version = version;
            this.json = json;
        }

        long size() {
            return json.length + (gzip == null ? 0 : gzip.length);
        }
    }

    private final long maxBytes;
    /** Guarded by this; access order. */
    private final LinkedHashMap<String, Rendering> renderings = new LinkedHashMap<>(16, 0.75f, true);
    /** Guarded by this. */
    private long bytes;

    DocumentMemo(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The rendering of {@code uuid} at exactly {@code version}, or null. */
    synchronized byte[] get(String uuid, long version) {
        Rendering rendering = renderings.get(uuid);
        return rendering != null && rendering.version == version ? rendering.json : null;
    }

    /** The gzip encoding of the rendering of {@code uuid} at exactly {@code version}, or null. */
    synchronized byte[] getGzip(String uuid, long version) {
        Rendering rendering = renderings.get(uuid);
        return rendering != null && rendering.version == version ? rendering.gzip : null;
    }

    /** Keeps {@code gzip} beside the rendering of {@code uuid} at {@code version}, if that is still kept. */
    synchronized void putGzip(String uuid, long version, byte[] gzip) {
        Rendering rendering = renderings.get(uuid);
        if (rendering == null || rendering.version != version || rendering.gzip != null) {
            return;
        }
        rendering.gzip = gzip;
        bytes += gzip.length;
        trim();
    }

    synchronized void put(String uuid, long version, byte[] json) {
        remove(uuid);
        if (json.length > maxBytes) {
            return;
        }
        renderings.put(uuid, new Rendering(version, json));
        bytes += json.length;
        trim();
    }

    private void trim() {
        Iterator<Map.Entry<String, Rendering>> eldest = renderings.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            bytes -= eldest.next().getValue().size();
            eldest.remove();
        }
    }

    synchronized void remove(String uuid) {
        Rendering old = renderings.remove(uuid);
        if (old != null) {
            bytes -= old.size();
        }
    }

    synchronized long bytes() {
        return bytes;
    }
}
