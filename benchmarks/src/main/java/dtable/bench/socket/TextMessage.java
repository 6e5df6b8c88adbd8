package dtable.bench.socket;

/**
 * Joins the parts of one WebSocket text message: {@code java.net.http} may hand a listener's
 * {@code onText} a message in several parts, the last one flagged. One per listener, used on its
 * listener thread only (the client calls {@code onText} serially).
 */
public final class TextMessage {

    private final StringBuilder partial = new StringBuilder();

    /** Adds a part; returns the whole message after its last part, else null. */
    public String append(CharSequence data, boolean last) {
        partial.append(data);
        if (!last) {
            return null;
        }
        String text = partial.toString();
        partial.setLength(0);
        return text;
    }
}
