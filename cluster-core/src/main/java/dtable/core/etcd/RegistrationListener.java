package dtable.core.etcd;

/**
 * What a {@link NodeRegistration} tells its owner. Calls come one at a time, in order, from the
 * registration's own thread; keep them short (flip state, hand work off), because the same thread
 * checks the fencing deadline.
 */
public interface RegistrationListener {

    /** The key is written under a fresh lease {@code leaseId}; the node may serve again. */
    void onRegistered(long leaseId);

    /**
     * The lease is gone or can no longer be trusted to be alive: stop serving every bucket now.
     * Fired at most once per {@link #onRegistered}; the registration keeps trying to register again
     * (unless the etcd client was closed).
     *
     * @param reason human-readable cause, for logs
     */
    void onLeaseLost(String reason);
}
