package dtable.server.storage;

import dtable.storage.StorageException;

/**
 * MySQL failed while committing (or did not answer in time): the operation may or may not be in the
 * log. The caller must not claim it was refused — a client that retried would apply it twice — so
 * it is answered 504 "outcome unknown", never 503.
 */
public class OutcomeUnknownException extends StorageException {

    public OutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
