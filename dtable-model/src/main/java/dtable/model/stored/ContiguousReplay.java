package dtable.model.stored;

import dtable.model.Base;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * Walks {@code operation_log} rows from a version onward, strictly {@code version + 1} each, and stops at
 * the first hole. Every reader of the log needs exactly this: a node loading a base (a hole is a broken
 * log), a socket catching a client up (a hole means retention purged what the client lacks) and the
 * slave (a hole is a purge under a newer snapshot, or an append still in flight).
 *
 * <p>What a hole means is the caller's decision; this only guarantees that the step sees no operation
 * out of order and none twice. Stateless and thread-safe.
 */
public final class ContiguousReplay {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ContiguousReplay() {
    }

    /** Does something with one operation, in version order. */
    @FunctionalInterface
    public interface Step<E extends Exception> {
        void accept(LoggedOperation operation) throws E;
    }

    /** Reads up to {@code limit} operations with a version above {@code afterVersion}, ascending. */
    @FunctionalInterface
    public interface Pages {
        List<LoggedOperation> read(long afterVersion, int limit);
    }

    /**
     * Where a walk stopped.
     *
     * @param version the version of the last operation stepped (the starting version when none)
     * @param applied how many operations were stepped
     * @param gap     true when an operation other than {@code version + 1} came next (a hole)
     */
    public record Outcome(long version, int applied, boolean gap) {
    }

    /**
     * Steps the operations of {@code operations} that follow {@code afterVersion} contiguously, up to
     * {@code upTo} inclusive ({@code Long.MAX_VALUE}: no bound); stops at the first hole or once
     * {@code upTo} is reached.
     *
     * @throws E what the step threw; the operations before it were stepped
     */
    public static <E extends Exception> Outcome prefix(long afterVersion, long upTo, List<LoggedOperation> operations,
            Step<E> step) throws E {
        long version = afterVersion;
        int applied = 0;
        for (LoggedOperation operation : operations) {
            if (version >= upTo) {
                break;
            }
            if (operation.version() != version + 1) {
                return new Outcome(version, applied, true);
            }
            step.accept(operation);
            version = operation.version();
            applied++;
        }
        return new Outcome(version, applied, false);
    }

    /**
     * {@link #prefix} over pages of the log until {@code upTo} is reached, a hole is found or the log ends
     * (a page shorter than asked for is its end). The log ending before {@code upTo} is not a hole: the
     * caller compares {@link Outcome#version()} with what it expected.
     */
    public static <E extends Exception> Outcome paged(long afterVersion, long upTo, int pageSize, Pages log,
            Step<E> step) throws E {
        long version = afterVersion;
        int applied = 0;
        while (version < upTo) {
            int limit = (int) Math.min(pageSize, upTo - version);
            List<LoggedOperation> page = log.read(version, limit);
            Outcome part = prefix(version, upTo, page, step);
            version = part.version();
            applied += part.applied();
            if (part.gap()) {
                return new Outcome(version, applied, true);
            }
            if (page.size() < limit) {
                break;
            }
        }
        return new Outcome(version, applied, false);
    }

    /** A step that replays each operation onto {@code base} ({@link Base#replay}). */
    public static Step<RuntimeException> onto(Base base) {
        return operation -> base.replay(JSON.readTree(operation.operation()));
    }
}
