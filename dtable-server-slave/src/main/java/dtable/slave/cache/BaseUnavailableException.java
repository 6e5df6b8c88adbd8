package dtable.slave.cache;

/** The base cannot be served now (its log does not replay, or it kept changing under a load); retry later. */
public final class BaseUnavailableException extends RuntimeException {

    public BaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
