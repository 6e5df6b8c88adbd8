package dtable.model;

/**
 * A request or operation that the base refuses. Carries what the HTTP / socket layer answers:
 * {@code status} (400 or 404) and SPEC §7's {@code error_type} / {@code error_msg}. Thrown before
 * anything changes, so the base is untouched.
 *
 * <p>Error types used by the model: {@code invalid_operation} (bad JSON shape, unknown op or column
 * type, bad id), {@code duplicate_name}, {@code invalid_value} (a cell does not fit its column),
 * {@code column_not_found} (400), {@code table_not_found} and {@code row_not_found} (404) and, from
 * the REST translation, {@code over_limit} (400).
 */
public final class OperationException extends RuntimeException {

    private final int status;
    private final String errorType;

    public OperationException(int status, String errorType, String message) {
        super(message, null, false, false);
        if (status != 400 && status != 404) {
            throw new IllegalArgumentException("status must be 400 or 404, not " + status);
        }
        this.status = status;
        this.errorType = errorType;
    }

    public static OperationException badRequest(String errorType, String message) {
        return new OperationException(400, errorType, message);
    }

    public static OperationException notFound(String errorType, String message) {
        return new OperationException(404, errorType, message);
    }

    static OperationException invalidOperation(String message) {
        return badRequest("invalid_operation", message);
    }

    /** HTTP status to answer: 400 or 404. */
    public int status() {
        return status;
    }

    /** SPEC §7 {@code error_type}. */
    public String errorType() {
        return errorType;
    }

    /** SPEC §7 {@code error_msg}; the same as {@link #getMessage()}. */
    public String errorMsg() {
        return getMessage();
    }
}
