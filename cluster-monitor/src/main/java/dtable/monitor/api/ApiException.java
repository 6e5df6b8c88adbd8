package dtable.monitor.api;

/** An error answer {@code {"error_type","error_msg"}} with its HTTP status. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String errorType;

    public ApiException(int status, String errorType, String message) {
        super(message);
        this.status = status;
        this.errorType = errorType;
    }

    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }
}
