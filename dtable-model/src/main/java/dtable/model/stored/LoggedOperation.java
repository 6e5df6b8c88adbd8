package dtable.model.stored;

/**
 * One row of {@code operation_log}: the operation JSON exactly as the owner prepared, applied and
 * acknowledged it, at {@code version} (the base's version after it).
 *
 * @param opTime epoch milliseconds when the owner prepared it
 * @param author who sent it ({@code null} when the row does not say)
 * @param app    the app that sent it, or {@code null}
 */
public record LoggedOperation(long version, long opTime, String author, String app, String operation) {
}
