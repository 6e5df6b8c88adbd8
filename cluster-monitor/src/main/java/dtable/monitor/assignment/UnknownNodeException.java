package dtable.monitor.assignment;

/** A drain or undrain named a node that is neither live, nor owning buckets, nor draining. */
public final class UnknownNodeException extends RuntimeException {
    public UnknownNodeException(String nodeId) {
        super("unknown node '" + nodeId + "': it is not registered, owns no bucket and is not draining");
    }
}
