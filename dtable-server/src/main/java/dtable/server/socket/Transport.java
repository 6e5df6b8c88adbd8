package dtable.server.socket;

/**
 * The framing a {@link SocketClient} speaks through (plain WebSocket JSON frames today; socket.io
 * later). Called from the client's sender thread only, one call at a time.
 */
public interface Transport {

    /** Sends one event; throws when the connection is gone. */
    void send(String event, Long seq, Object data) throws Exception;

    /**
     * Sends one event whose {@code data} is already JSON text (serialised once for a whole room, so a
     * broadcast to many clients does not serialise the operation once per client).
     */
    void sendJson(String event, Long seq, String dataJson) throws Exception;

    /** Closes the connection with a close code and reason. */
    void close(int code, String reason);

    boolean isOpen();
}
