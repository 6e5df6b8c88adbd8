package dtable.core.token;

/**
 * A request's token could not be accepted. The message is safe to return to the client as the
 * API's {@code error_msg}: it never contains the token or the key.
 *
 * <p>All kinds map to HTTP 401 (socket close 4401); a valid token that does not cover the
 * request is not a {@code TokenException} but a 403 decided with {@link TokenClaims#mayRead} /
 * {@link TokenClaims#mayWrite}.
 */
public final class TokenException extends RuntimeException {

    /** Why the token was refused. */
    public enum Kind {
        /** No token at all (header absent or blank). */
        MISSING,
        /** Not a JWT, or a JWT without the claims a dtable token needs. */
        MALFORMED,
        /** Signed with another key, tampered with, or not signed with HS256 (e.g. {@code alg: none}). */
        BAD_SIGNATURE,
        /** Correctly signed but past its {@code exp}. */
        EXPIRED
    }

    private final Kind kind;

    public TokenException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public TokenException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
