package dtable.server.socket;

/** WebSocket close codes of SPEC §8, plus ours for slow clients. */
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
    /** Bad UUID or bad frame. */
    public static final int BAD_REQUEST = 4400;

    private CloseCodes() {
    }
}
