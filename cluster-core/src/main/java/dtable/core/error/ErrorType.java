package dtable.core.error;

/**
 * The {@code error_type} values the services answer (SPEC §7), with the HTTP status each one usually
 * goes with. One list for the dtable-server, the slave, the monitor, the proxy and the socket's error
 * frames, so a type is spelled once.
 */
public enum ErrorType {
    BAD_REQUEST(400),
    INVALID_JSON(400),
    INVALID_PARAMETER(400),
    INVALID_VALUE(400),
    INVALID_OPERATION(400),
    INVALID_DTABLE(400),
    INVALID_DTABLE_UUID(400),
    DUPLICATE_NAME(400),
    DUPLICATE_VIEW(400),
    COLUMN_NOT_FOUND(400),
    TOKEN_INVALID(401),
    UNAUTHORIZED(401),
    PERMISSION_DENIED(403),
    FORBIDDEN(403),
    NOT_FOUND(404),
    DTABLE_NOT_FOUND(404),
    TABLE_NOT_FOUND(404),
    ROW_NOT_FOUND(404),
    NODE_NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    READ_ONLY(405),
    DTABLE_EXISTS(409),
    REQUEST_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    OVER_LIMIT(400),
    INTERNAL_ERROR(500),
    BAD_GATEWAY(502),
    BASE_UNAVAILABLE(503),
    UNAVAILABLE(503),
    NO_LEADER(503),
    NO_OWNER(503),
    SHUTTING_DOWN(503),
    GATEWAY_TIMEOUT(504),
    OUTCOME_UNKNOWN(504);

    private final int status;
    private final String wireName;

    ErrorType(int status) {
        this.status = status;
        this.wireName = name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The usual HTTP status of this error (a caller may answer another one). */
    public int status() {
        return status;
    }

    /** The {@code error_type} string, e.g. {@code invalid_json}. */
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
