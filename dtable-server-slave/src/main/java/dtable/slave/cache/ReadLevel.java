package dtable.slave.cache;

import java.util.Locale;

/**
 * How fresh a read must be (the read levels of Raft-based key-value stores).
 *
 * <ul>
 *   <li>{@link #DEFAULT}: catch up from {@code operation_log} first, so the answer reflects every
 *       operation acknowledged before the read started (linearizable with respect to acknowledged writes).</li>
 *   <li>{@link #STALE}: answer from memory at once (loading the base if it is not cached); the answer
 *       says the version it reflects. Keeps working while MySQL or the base's owner is down.</li>
 * </ul>
 */
public enum ReadLevel {
    DEFAULT,
    STALE;

    /** The {@code level} query parameter: absent, empty or {@code default}, or {@code stale} (any case). */
    public static ReadLevel parse(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "default" -> DEFAULT;
            case "stale" -> STALE;
            default -> throw new IllegalArgumentException("level must be \"default\" or \"stale\", not \"" + text + "\"");
        };
    }

    /** The wire name, as in the {@code level} parameter and the {@code X-Dtable-Read-Level} header. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
