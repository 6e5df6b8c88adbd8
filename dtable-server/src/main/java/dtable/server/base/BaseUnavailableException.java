package dtable.server.base;

/** The base cannot take this request right now (moving, loading, fenced, storage down): answer 503 with Retry-After. */
public class BaseUnavailableException extends RuntimeException {

    public BaseUnavailableException(String message) {
        super(message);
    }

    public BaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
