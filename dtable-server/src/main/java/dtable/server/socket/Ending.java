package dtable.server.socket;

/**
 * Why a session ends, for a {@link Transport} to tell its client in its own way (a WebSocket close
 * code, or closing the socket.io transport so that the client reconnects and compares versions).
 *
 * @param nodeUrl the new owner's node_url for {@link Reason#MOVED} when known, else null
 */
public record Ending(Reason reason, String message, String nodeUrl) {

    public enum Reason {
        /** The client left, or the connection closed. */
        CLOSED,
        /** The base moved to another node. */
        MOVED,
        /** The base was deleted. */
        DELETED,
        /** The client fell too far behind. */
        TOO_SLOW,
        /** The base cannot be served now; reconnect later. */
        UNAVAILABLE,
        /** A catch-up asked for operations the log no longer holds: reload the base. */
        RELOAD,
        /** The client's token expired; reconnect with a fresh one. */
        TOKEN_EXPIRED,
        /** A frame over the size limit. */
        TOO_LARGE,
        /** Sending failed. */
        SEND_FAILED
    }

    public static Ending of(Reason reason, String message) {
        return new Ending(reason, message, null);
    }
}
