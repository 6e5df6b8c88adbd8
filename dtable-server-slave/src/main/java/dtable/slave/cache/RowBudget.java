package dtable.slave.cache;

/**
 * How many cached rows a heap can hold. {@code max_cached_rows} counts rows, not bytes, so a bound that
 * is right for a large heap can exceed a small one (the default 2,000,000 rows need about 0.95 GiB,
 * more than a 1 GiB slave has next to its renderings and request work); the slave then dies of
 * {@code OutOfMemoryError} before its LRU bound ever evicts. The slave therefore caps the configured
 * bound to what {@link #HEAP_SHARE} of its maximum heap holds at {@link #BYTES_PER_ROW}.
 */
public final class RowBudget {

    /**
     * Retained heap per cached row, rounded up: the model measures 464-483 bytes per row of a
     * 10-column base (docs/benchmarks.md, 1,000,000-row base).
     */
    public static final long BYTES_PER_ROW = 500;

    /** Share of the maximum heap that cached rows may take; the rest is renderings, requests and GC room. */
    public static final double HEAP_SHARE = 0.6;

    private RowBudget() {
    }

    /** Rows that fit {@link #HEAP_SHARE} of {@code maxHeapBytes}; at least 1. */
    public static long rowsFitting(long maxHeapBytes) {
        return Math.max(1, (long) (maxHeapBytes * HEAP_SHARE) / BYTES_PER_ROW);
    }

    /** The bound to use: the configured one, or less when the heap cannot hold it. */
    public static long effectiveMaxRows(long configuredMaxRows, long maxHeapBytes) {
        return Math.min(configuredMaxRows, rowsFitting(maxHeapBytes));
    }
}
