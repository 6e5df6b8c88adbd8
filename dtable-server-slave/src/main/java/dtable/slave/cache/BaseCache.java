package dtable.slave.cache;

import dtable.core.error.BaseUnavailableException;
import dtable.core.error.BaseNotFoundException;
import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bases the slave holds in memory, least recently used first out, bounded by their total rows
 * ({@code max_cached_rows}).
 *
 * <p>Contract: after every read the cached bases hold at most {@code maxCachedRows} rows in total:
 * least recently used bases are dropped until the total fits. A base larger than the bound on its own
 * is loaded, serves the read that asked for it and is dropped (every read of it loads it again). The
 * bound may be passed for a moment while bases are being loaded, never after a read returns.
 *
 * <p>Threads: reads of one base run one at a time in that base's lane ({@link CachedBase}); reads of
 * different bases run in parallel. The map and the row total are guarded by this object's monitor,
 * held only for bookkeeping, never while loading, catching up or rendering. Eviction only unlinks an
 * entry: a reader inside its lane finishes with the model it holds.
 */
public final class BaseCache {

    private static final Logger log = LoggerFactory.getLogger(BaseCache.class);

    /** One cached base as seen by operators. */
    public record Entry(String dtableUuid, int rows, long version) {
    }

    private final BaseLoader loader;
    private final long maxCachedRows;
    private final DocumentMemo documents;
    /** Guarded by this; access order = least recently used first. */
    private final LinkedHashMap<String, CachedBase> entries = new LinkedHashMap<>(64, 0.75f, true);
    /** Guarded by this: the sum of the entries' accounted rows. */
    private long cachedRows;
    private final AtomicLong loads = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    /**
     * @param maxCachedRows     the bound on the total rows of cached bases
     * @param maxDocumentBytes  the budget of kept whole-base renderings (0 keeps none)
     */
    public BaseCache(BaseLoader loader, long maxCachedRows, long maxDocumentBytes) {
        if (maxCachedRows < 1) {
            throw new IllegalArgumentException("maxCachedRows must be positive: " + maxCachedRows);
        }
        this.loader = loader;
        this.maxCachedRows = maxCachedRows;
        this.documents = new DocumentMemo(maxDocumentBytes);
    }

    /**
     * Runs {@code reader} on the base at {@code level} in the base's lane; see {@link ReadLevel}.
     * {@code reader} must only read the base and must not keep it.
     *
     * @throws BaseNotFoundException    when the base does not exist or was deleted
     * @throws BaseUnavailableException when it cannot be built from MySQL now
     * @throws dtable.storage.StorageException when MySQL does not answer (a
     *         {@link ReadLevel#STALE} read of a cached base never asks it)
     */
    public <R> Reading<R> read(BaseUuid uuid, ReadLevel level, Function<Base, R> reader) {
        while (true) {
            CachedBase entry = entry(uuid);
            CachedBase.Outcome<R> outcome;
            try {
                outcome = entry.read(level, reader);
            } catch (RuntimeException e) {
                if (!entry.held()) {
                    forget(entry);
                }
                throw e;
            }
            if (outcome == null) {
                continue; // evicted while we waited for its lane; take the fresh entry
            }
            if (outcome.loaded()) {
                loads.incrementAndGet();
            }
            settle(entry);
            return outcome.reading();
        }
    }

    /** The whole base as JSON (as {@code Base.write}), from the kept rendering when the version has not moved. */
    public Reading<byte[]> document(BaseUuid uuid, ReadLevel level) {
        return read(uuid, level, base -> rendering(uuid, base));
    }

    /** {@link #document} gzip-encoded (for {@code Accept-Encoding: gzip}), kept beside the rendering. */
    public Reading<byte[]> documentGzip(BaseUuid uuid, ReadLevel level) {
        return read(uuid, level, base -> {
            byte[] gzip = documents.getGzip(uuid.value(), base.version());
            if (gzip == null) {
                byte[] json = rendering(uuid, base);
                ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, json.length / 8));
                try (GZIPOutputStream zip = new GZIPOutputStream(out, 64 * 1024)) {
                    zip.write(json);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                gzip = out.toByteArray();
                documents.putGzip(uuid.value(), base.version(), gzip);
            }
            return gzip;
        });
    }

    /** Runs in the base's lane. */
    private byte[] rendering(BaseUuid uuid, Base base) {
        byte[] json = documents.get(uuid.value(), base.version());
        if (json == null) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, base.rowCount() * 128));
            base.write(out);
            json = out.toByteArray();
            documents.put(uuid.value(), base.version(), json);
        }
        return json;
    }

    private synchronized CachedBase entry(BaseUuid uuid) {
        return entries.computeIfAbsent(uuid.value(), key -> new CachedBase(uuid, loader));
    }

    /** Books the entry's current rows and drops least recently used bases until the total fits. */
    private synchronized void settle(CachedBase entry) {
        if (entry.evicted) {
            return;
        }
        cachedRows += entry.rows() - entry.accountedRows;
        entry.accountedRows = entry.rows();
        Iterator<CachedBase> eldest = entries.values().iterator();
        while (cachedRows > maxCachedRows && eldest.hasNext()) {
            CachedBase victim = eldest.next();
            eldest.remove();
            unlink(victim);
            if (victim != entry) {
                log.debug("evicted base {} ({} rows) to stay within max_cached_rows {}", victim.uuid(),
                        victim.accountedRows, maxCachedRows);
            } else {
                log.info("base {} has {} rows, more than max_cached_rows {}: served and dropped", entry.uuid(),
                        entry.rows(), maxCachedRows);
            }
        }
    }

    private synchronized void forget(CachedBase entry) {
        if (entries.remove(entry.uuid().value(), entry)) {
            unlink(entry);
        }
    }

    /** Under the monitor, after the entry left the map. */
    private void unlink(CachedBase entry) {
        entry.evicted = true;
        cachedRows -= entry.accountedRows;
        entry.accountedRows = 0;
        documents.remove(entry.uuid().value());
        evictions.incrementAndGet();
    }

    /** Total rows of the cached bases (≤ {@link #maxCachedRows()} whenever no read is in progress). */
    public synchronized long cachedRows() {
        return cachedRows;
    }

    public long maxCachedRows() {
        return maxCachedRows;
    }

    /** The cached bases, least recently used first (a copy). */
    public synchronized List<Entry> entries() {
        List<Entry> view = new ArrayList<>(entries.size());
        for (CachedBase entry : entries.values()) {
            if (entry.held()) {
                view.add(new Entry(entry.uuid().value(), entry.rows(), entry.version()));
            }
        }
        return view;
    }

    /** Bases built from their snapshot so far (first loads and reloads after a gap). */
    public long loads() {
        return loads.get();
    }

    /** Entries dropped so far (to fit the bound, or gone/failed). */
    public long evictions() {
        return evictions.get();
    }

    /** Bytes of kept whole-base renderings. */
    public long documentBytes() {
        return documents.bytes();
    }
}
