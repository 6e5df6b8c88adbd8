package dtable.model;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What {@link Base#prepare} may not invent itself: the time stamped on changed rows, the source of
 * new ids (row ids, table ids, column keys, select option ids) and who asks. Tests pass a fixed
 * instant and a seeded generator so that prepared operations are reproducible; replay never needs a
 * context because the logged operation carries everything that was chosen.
 *
 * @param now    the operation's time; rows get it, truncated to milliseconds, as {@code _ctime} / {@code _mtime}
 * @param random where new ids come from; used only on the calling thread during {@code prepare}
 * @param author who asks (user name or service); the model does not store it, the caller logs it
 */
public record OperationContext(Instant now, RandomGenerator random, String author) {

    private static final RandomGenerator SHARED_SECURE_RANDOM = new SecureRandom();

    public OperationContext {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(random, "random");
    }

    /** A context for production: the clock's instant and a thread-safe secure generator. */
    public static OperationContext of(Clock clock, String author) {
        return new OperationContext(clock.instant(), SHARED_SECURE_RANDOM, author);
    }
}
