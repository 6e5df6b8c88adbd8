package dtable.server.base;

import dtable.core.error.BaseUnavailableException;

/**
 * Whether this node takes new writes. Closed while MySQL is unreachable: a write that enters a base's
 * lane then would be applied in memory and queued behind a log statement hanging on a dead link, and
 * answered only when the node lets its buckets go. A closed gate refuses it before anything is applied or
 * queued (503 {@code base_unavailable}, safe to retry); writes already queued keep their outcome rules.
 * Reads are not gated.
 *
 * <p>Thread rules: thread-safe; one thread (the node's MySQL check) opens and closes it, every writer reads it.
 */
public final class WriteGate {

    /** Why writes are refused, null while they are taken. */
    private volatile String refusal;

    /** Refuses new writes from now on, with {@code reason} in the answer. */
    public void close(String reason) {
        refusal = reason == null ? "writes refused" : reason;
    }

    /** Takes writes again. */
    public void open() {
        refusal = null;
    }

    public boolean isOpen() {
        return refusal == null;
    }

    /** @throws BaseUnavailableException while the gate is closed */
    public void check(Object base) {
        String reason = refusal;
        if (reason != null) {
            throw new BaseUnavailableException("base " + base + " refuses writes on this node: " + reason
                    + "; nothing was applied, retry");
        }
    }
}
