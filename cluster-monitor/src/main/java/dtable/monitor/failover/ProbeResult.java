package dtable.monitor.failover;

/** What one connection attempt to a node's port showed. Only {@link #REFUSED} can count as evidence of death. */
public enum ProbeResult {
    /** The port accepted the connection: a process is listening (it may still be slow or frozen). */
    ACCEPTED,
    /** The host answered that nothing listens on the port (TCP reset): the process is gone. */
    REFUSED,
    /** No answer in time, no route, or any other failure: says nothing about the node, never evidence. */
    NO_ANSWER
}
