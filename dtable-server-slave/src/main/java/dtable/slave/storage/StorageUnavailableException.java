package dtable.slave.storage;

/** MySQL could not answer (down, timeout, broken connection); the read may be retried. */
public final class StorageUnavailableException extends RuntimeException {

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
