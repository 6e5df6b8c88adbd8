package dtable.monitor.assignment;

/** An admin decision did not finish in time (etcd slow or unreachable); it may still complete. */
public final class DecisionTimeoutException extends RuntimeException {
    public DecisionTimeoutException(String message) {
        super(message);
    }
}
