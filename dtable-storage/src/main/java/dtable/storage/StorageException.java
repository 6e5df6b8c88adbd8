package dtable.storage;

/**
 * MySQL could not be reached or refused a statement (down, timeout, broken connection). Nothing was
 * read or acknowledged; the caller answers 503 and may retry.
 */
public class StorageException extends RuntimeException {

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
