package dtable.monitor.generation;

/** MySQL could not be asked about the cluster generation. */
public final class LedgerUnavailableException extends RuntimeException {

    public LedgerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
