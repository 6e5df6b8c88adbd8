package dtable.server.socket;

import java.util.concurrent.Executor;

/**
 * What a {@link RoomSession} says to its client, independent of framing: the plain WebSocket JSON
 * frames of SPEC §8 ({@link WebSocketTransport}) or socket.io ({@code dtable.server.socket.socketio}).
 * A transport only translates; it decides nothing about rooms, order or durability.
 *
 * <p>Thread rules: called from the session's sender only (one drain at a time, each starting after the
 * previous one ended), one call at a time, except {@link #isOpen()}, {@link #loop()} and {@link #backedUp()}
 * (any thread).
 */
public interface Transport {

    /** The client is in the room at {@code version}; every later operation follows, in order. */
    void joined(String dtableUuid, long version) throws Exception;

    /**
     * Another client's operation, durable at {@code version} (the previous one sent was {@code version - 1}).
     * {@code operationJson} is serialised once for the whole room.
     */
    void update(long version, String operationJson, String author) throws Exception;

    /** The client's own operation {@code ref} is durable at {@code version}. */
    void ack(long ref, long version) throws Exception;

    /**
     * The client's request {@code ref} was refused and changed nothing; {@code ref} is null when the
     * refusal answers no request of its own (a frame that could not be read).
     */
    void refuse(Long ref, String errorType, String message) throws Exception;

    /** Someone joined ({@code join-room}) or left ({@code leave-room}) the room; a framing may ignore it. */
    void presence(String event, String username) throws Exception;

    /** An event of this framing only (the WebSocket's {@code pong}). */
    void event(String event, Object data) throws Exception;

    /** Ends the connection; the session is over. Never throws. */
    void end(Ending ending);

    boolean isOpen();

    /**
     * Where the client's sender runs when it need not wait: the event loop of a transport whose sends never block
     * ({@link #backedUp()} says when the client is behind instead). Null (the default): a virtual thread for each
     * drain, for a transport whose sends may block until the client reads.
     */
    default Executor loop() {
        return null;
    }

    /**
     * For a transport with a {@link #loop()}: whether the client is so far behind that a send now would have to
     * wait. The sender then stops until {@link SocketClient#wake()} (when the client reads again), and what it
     * has not sent stays queued, under the queue's bound. Any thread.
     */
    default boolean backedUp() {
        return false;
    }
}
