package dtable.slave.api;

/** An error answered as {@code {"error_type","error_msg"}} with the given HTTP status. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String errorType;

    public ApiException(int status, String errorType, String message) {
        super(message, null, false, false);
        this.status = status;
        this.errorType = errorType;
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
