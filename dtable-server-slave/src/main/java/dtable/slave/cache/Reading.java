package dtable.slave.cache;

/**
 * The result of one read of a cached base.
 *
 * @param value   what the reader built
 * @param version the version of the base the reader saw
 * @param level   the read level it was served at
 */
public record Reading<R>(R value, long version, ReadLevel level) {
}
