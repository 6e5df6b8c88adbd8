package dtable.monitor.generation;

/**
 * MySQL's side of the cluster generation: the one-row counter and the highest assignment token a base
 * was claimed with. Implemented over JDBC by {@link MysqlGenerationLedger}; the tests use an in-memory one.
 * Every method may throw {@link LedgerUnavailableException} when MySQL cannot be reached.
 */
public interface GenerationLedger {

    /** The current generation (0 before the first advance). */
    long current();

    /**
     * Moves the generation from {@code expected} to {@code next} atomically (compare-and-set).
     *
     * @return false when it was not {@code expected} (another monitor advanced it first)
     */
    boolean advance(long expected, long next);

    /** The highest assignment token (packed, see {@code FencingToken}) any base was claimed or created with. */
    long highestClaim();
}
