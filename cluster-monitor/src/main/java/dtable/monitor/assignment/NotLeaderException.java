package dtable.monitor.assignment;

/** The monitor is not (or no longer) the leader; the request should go to the leader. */
public final class NotLeaderException extends RuntimeException {
    public NotLeaderException(String message) {
        super(message);
    }
}
