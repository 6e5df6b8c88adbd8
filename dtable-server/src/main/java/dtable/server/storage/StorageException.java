package dtable.server.storage;

/** MySQL could not be reached or refused a statement; the caller answers 503 and acknowledges nothing. */
public class StorageException extends RuntimeException {

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
