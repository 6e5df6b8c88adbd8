package dtable.core.cluster;

/**
 * The assignment token of SPEC §3/§5 as one signed 64-bit number: the cluster generation in the high
 * {@value #GENERATION_BITS} bits, the etcd mod revision of {@code assign/{xx}} in the low
 * {@value #REVISION_BITS} bits. Comparing two packed tokens as numbers is comparing
 * (generation, revision) lexicographically, so MySQL's single {@code assign_rev <= :token} in the claim
 * is the tuple comparison, and rows written before generations existed (a bare revision) are
 * generation 0 and lose to every generation ≥ 1.
 *
 * <p>Why a generation: etcd revisions only grow within one etcd data directory. When etcd loses its data
 * or is restored from an older snapshot, revisions start again below what MySQL has recorded; the
 * monitor then advances the generation (in MySQL first), so every token of the new etcd is above every
 * token of the old one. Pure arithmetic; thread-safe.
 */
public final class FencingToken {

    public static final int REVISION_BITS = 40;
    public static final int GENERATION_BITS = 63 - REVISION_BITS;
    /** 2^40 - 1 ≈ 1.1 × 10^12 revisions: at 10,000 etcd writes a second, 3.5 years of one etcd's life. */
    public static final long MAX_REVISION = (1L << REVISION_BITS) - 1;
    public static final long MAX_GENERATION = (1L << GENERATION_BITS) - 1;

    private FencingToken() {
    }

    /**
     * Packs (generation, revision).
     *
     * @throws IllegalArgumentException when either part is negative or too large for its bits
     */
    public static long of(long generation, long revision) {
        if (generation < 0 || generation > MAX_GENERATION) {
            throw new IllegalArgumentException("generation out of range 0.." + MAX_GENERATION + ": " + generation);
        }
        if (revision < 0 || revision > MAX_REVISION) {
            throw new IllegalArgumentException("revision out of range 0.." + MAX_REVISION + ": " + revision);
        }
        return (generation << REVISION_BITS) | revision;
    }

    public static long generation(long token) {
        return token >>> REVISION_BITS;
    }

    public static long revision(long token) {
        return token & MAX_REVISION;
    }

    /** {@code "g3/r1207"}, for logs. */
    public static String toString(long token) {
        return "g" + generation(token) + "/r" + revision(token);
    }
}
