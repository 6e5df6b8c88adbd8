package dtable.server.base;

import tools.jackson.databind.node.ObjectNode;

/**
 * Receives a loaded base's durable operations, in version order with no gaps, on the operation-log
 * writer thread: implementations must only enqueue (the socket layer's per-client queues).
 */
public interface RoomListener {

    /**
     * @param version   the version the operation produced
     * @param operation the operation exactly as logged
     * @param author    who made it
     * @param origin    the object that submitted it (a socket session, or null for REST), so the
     *                  author's own client can be answered with an ack in the same order
     * @param seq       the client's sequence number for the ack (socket only)
     */
    void onOperation(long version, ObjectNode operation, String author, Object origin, long seq);

    /** The base leaves this node; {@code ownerUrl} is the new owner's node_url when known, else null. */
    void onBaseMoved(String ownerUrl);

    /** The base was deleted: there is nothing to reconnect to. */
    void onBaseDeleted();
}
