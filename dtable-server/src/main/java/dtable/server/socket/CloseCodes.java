package dtable.server.socket;

/**
 * WebSocket close codes of SPEC §8 ({@code 4401}, {@code 4403}, {@code 4307}), plus ours: slow
 * clients, missing bases, unavailable bases and truncated logs. Standard codes used as well:
 * {@code 1009} (a frame over {@code max_request_bytes}) and {@code 1011} (sending failed).
 */
public final class CloseCodes {

    /** Missing, bad or expired token. */
    public static final int TOKEN = 4401;
    /** Token does not grant this base. */
    public static final int PERMISSION = 4403;
    /** The base is not served here; a base-moved frame names the owner first. */
    public static final int MOVED = 4307;
    /** The client fell too far behind; reconnect and send {@code sync}. */
    public static final int TOO_SLOW = 4408;
    /** The base cannot be served now (loading failed, storage down); reconnect later. */
    public static final int UNAVAILABLE = 4503;
    /** Bad UUID. */
    public static final int BAD_REQUEST = 4400;
    /** No such base (never created, or deleted). */
    public static final int NOT_FOUND = 4404;
    /**
     * A {@code sync} asked for operations the log no longer holds (deleted by retention): reload the
     * base over HTTP and reconnect from its version.
     */
    public static final int RELOAD = 4410;

    private CloseCodes() {
    }
}
