package dtable.core.etcd;

/** An etcd request did not complete (timeout, no leader, connection lost); retrying later may help. */
public class EtcdUnavailableException extends RuntimeException {

    public EtcdUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
