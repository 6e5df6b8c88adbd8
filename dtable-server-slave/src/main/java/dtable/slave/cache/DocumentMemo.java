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
 * within {@code maxBytes}; a rendering larger than the budget is not kept. Thread-safe (one monitor;
 * only map updates happen under it).
 */
final class DocumentMemo {

    private record Rendering(long version, byte[] json) {
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
        return rendering != null && rendering.version() == version ? rendering.json() : null;
    }

    synchronized void put(String uuid, long version, byte[] json) {
        remove(uuid);
        if (json.length > maxBytes) {
            return;
        }
        renderings.put(uuid, new Rendering(version, json));
        bytes += json.length;
        Iterator<Map.Entry<String, Rendering>> eldest = renderings.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            bytes -= eldest.next().getValue().json().length;
            eldest.remove();
        }
    }

    synchronized void remove(String uuid) {
        Rendering old = renderings.remove(uuid);
        if (old != null) {
            bytes -= old.json().length;
        }
    }

    synchronized long bytes() {
        return bytes;
    }
}
