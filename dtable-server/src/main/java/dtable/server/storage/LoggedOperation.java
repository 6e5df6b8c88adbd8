package dtable.server.storage;

/** One row of {@code operation_log}: the operation JSON exactly as it was prepared and acknowledged. */
public record LoggedOperation(long version, long opTime, String author, String app, String operation) {
}
