package dtable.web;

import dtable.core.error.ErrorType;

/**
 * An error answered as {@code {"error_type","error_msg"}} with the given HTTP status (by {@link ErrorAdvice}).
 * Carries no stack trace: it is an answer, not a bug.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String errorType;

    public ApiException(int status, String errorType, String message) {
        super(message, null, false, false);
        this.status = status;
        this.errorType = errorType;
    }

    public ApiException(int status, ErrorType errorType, String message) {
        this(status, errorType.wireName(), message);
    }

    /** With the type's usual status. */
    public ApiException(ErrorType errorType, String message) {
        this(errorType.status(), errorType.wireName(), message);
    }

    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }

    public static ApiException badRequest(String errorType, String message) {
        return new ApiException(400, errorType, message);
    }
}
