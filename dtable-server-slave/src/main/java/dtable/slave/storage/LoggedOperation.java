package dtable.slave.storage;

/** One row of {@code operation_log}: the version and the operation JSON exactly as the owner logged it. */
public record LoggedOperation(long version, String operation) {
}
