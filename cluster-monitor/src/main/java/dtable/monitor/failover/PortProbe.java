package dtable.monitor.failover;

/** The probe seam of fast failover: one connection attempt to the port of a node's {@code local_node_url}. */
@FunctionalInterface
public interface PortProbe {

    /** Never throws; anything that is not a clear accept or refusal is {@link ProbeResult#NO_ANSWER}. */
    ProbeResult probe(String localNodeUrl);
}
