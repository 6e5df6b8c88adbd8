package dtable.core.error;

/**
 * The base cannot take this request right now (a node: moving, loading, fenced, storage down; a slave: its
 * log does not replay, or it kept changing under a load): {@code 503 base_unavailable} with
 * {@code Retry-After} on the node and the slave alike ({@code dtable.web.ErrorAdvice}).
 */
public final class BaseUnavailableException extends RuntimeException {

    public BaseUnavailableException(String message) {
        super(message);
    }

    public BaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
