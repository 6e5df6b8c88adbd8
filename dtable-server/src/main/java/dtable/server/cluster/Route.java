package dtable.server.cluster;

import dtable.core.cluster.NodeInfo;

/** Where a bucket is served, as this node sees it now. */
public sealed interface Route {

    /** This node owns the bucket under assignment token {@code token}. */
    record Local(long token) implements Route {
    }

    /** Another live node owns it. */
    record Remote(NodeInfo owner) implements Route {
    }

    /** No live owner is known (bucket moving, owner dead, or this node is fenced). */
    record Unknown(String reason) implements Route {
    }
}
