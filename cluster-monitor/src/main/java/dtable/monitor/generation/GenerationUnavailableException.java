package dtable.monitor.generation;

/**
 * The leader cannot assign yet: etcd has no usable generation and one cannot be established now (MySQL
 * unreachable, another monitor advancing at the same moment, or the watcher still showing an etcd that
 * is gone). The decision is abandoned; the next trigger or periodic check tries again.
 */
public final class GenerationUnavailableException extends RuntimeException {

    public GenerationUnavailableException(String message) {
        super(message);
    }

    public GenerationUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
