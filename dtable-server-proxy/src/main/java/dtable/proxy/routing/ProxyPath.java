package dtable.proxy.routing;

import dtable.core.bucket.BaseUuid;
import dtable.core.bucket.Bucket;

/**
 * What the proxy does with a request, decided from its path alone (SPEC §9).
 *
 * <p>Three families of paths name a base and are forwarded to the node that owns its bucket:
 * {@code /api/v1/dtables/{uuid}/...}, {@code /api/v1/internal/dtables/{uuid}/...} and exactly
 * {@code /dtables/{uuid}} or {@code /dtables/{uuid}/}. One path of the first family is the proxy's own:
 * {@code /api/v1/dtables/{uuid}/server-info/}. Under these prefixes the proxy answers bad UUIDs (400)
 * and unknown shapes (404) itself, so no node is bothered with them. Pure string work; thread-safe.
 *
 * <p>The gateway for SeaTable's clients adds two families: {@code /api-gateway/api/v2/dtables/{uuid}/...}
 * (SeaTable's API gateway, forwarded with its path) and socket.io ({@code /api-gateway/socket.io/} and
 * {@code /socket.io/}), whose base is in the {@code dtable_uuid} query parameter ({@link Kind#SOCKET_IO}:
 * the caller reads the query). {@code /api/v1/dtables/{uuid}/api-tokens/...} is the proxy's own
 * Spring endpoint ({@link #isLocalEndpoint}).
 *
 * <p>This runs for every request, so the UUID is checked by hand rather than by {@link BaseUuid#parse}'s
 * regular expressions (same accepted forms); the normalised {@link #uuid()} is built only on demand.
 *
 * @param kind    what to do
 * @param segment the UUID as written in the path; null for {@link Kind#NOT_FOUND} and {@link Kind#INVALID_UUID}
 * @param bucket  its bucket; null likewise
 */
public record ProxyPath(Kind kind, String segment, Bucket bucket) {

    /** The proxy's decision for one path. */
    public enum Kind {
        /** send to the owner of the base's bucket */
        FORWARD,
        /** answer which node serves the base */
        SERVER_INFO,
        /** a base path whose UUID segment is not a base UUID: 400 */
        INVALID_UUID,
        /** under a base prefix but no endpoint of ours or of a node: 404 */
        NOT_FOUND,
        /** an Engine.IO request: the base is in the {@code dtable_uuid} query parameter */
        SOCKET_IO
    }

    private static final String API = "/api/v1/dtables/";
    private static final String INTERNAL = "/api/v1/internal/dtables/";
    private static final String PLAIN = "/dtables/";
    private static final String GATEWAY = "/api-gateway/";
    private static final String GATEWAY_API = "/api-gateway/api/v2/dtables/";
    private static final String GATEWAY_SOCKET_IO = "/api-gateway/socket.io/";
    private static final String SOCKET_IO = "/socket.io/";
    private static final String API_TOKENS = "/api-tokens";
    private static final String ROWS = "/rows";
    private static final String BATCH_APPEND_ROWS = "/batch-append-rows";
    private static final String BATCH_UPDATE_ROWS = "/batch-update-rows";
    private static final String BATCH_DELETE_ROWS = "/batch-delete-rows";
    private static final ProxyPath SOCKET_IO_PATH = new ProxyPath(Kind.SOCKET_IO, null, null);
    private static final ProxyPath NOT_FOUND = new ProxyPath(Kind.NOT_FOUND, null, null);
    private static final ProxyPath INVALID = new ProxyPath(Kind.INVALID_UUID, null, null);

    /** The base in normal form; null when the path names none. */
    public BaseUuid uuid() {
        return segment == null ? null : BaseUuid.parse(segment);
    }

    /** True when {@code uri} (path and query as received) is under one of the base prefixes. */
    public static boolean isBasePath(String uri) {
        return uri.startsWith(API) || uri.startsWith(INTERNAL) || uri.startsWith(PLAIN) || uri.startsWith(GATEWAY)
                || uri.startsWith(SOCKET_IO);
    }

    /**
     * True for the proxy's own endpoints under a base prefix, which Spring answers:
     * {@code /api/v1/dtables/{uuid}/api-tokens/...}.
     */
    public static boolean isLocalEndpoint(String path) {
        if (!path.startsWith(API)) {
            return false;
        }
        int slash = path.indexOf('/', API.length());
        return slash > 0 && path.startsWith(API_TOKENS, slash)
                && (path.length() == slash + API_TOKENS.length() || path.charAt(slash + API_TOKENS.length()) == '/');
    }

    /**
     * True when a slave answers a GET of {@code uri} (path and query as received): the reads of its
     * {@code ReadController}, {@code /dtables/{uuid}[/]} and {@code /api/v1/dtables/{uuid}[/]},
     * {@code .../metadata[/]}, {@code .../rows[/]} and {@code .../rows/{rowId}[/]}. Any other GET (the
     * operation log, the gateway's paths, the internal ones) would be a slave's {@code 404 not_found},
     * which a client reads as "no such base": those stay at the owner while it moves.
     */
    public static boolean servedBySlave(String uri) {
        String path = pathOf(uri);
        String rest;
        if (path.startsWith(PLAIN)) {
            rest = path.substring(PLAIN.length());
            int slash = rest.indexOf('/');
            return slash < 0 || slash == rest.length() - 1;
        }
        if (!path.startsWith(API)) {
            return false;
        }
        rest = path.substring(API.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return true;
        }
        String tail = rest.endsWith("/") ? rest.substring(slash, rest.length() - 1) : rest.substring(slash);
        if (tail.isEmpty() || tail.equals("/metadata") || tail.equals("/rows")) {
            return true;
        }
        // rows/{rowId}: one more segment
        return tail.startsWith("/rows/") && tail.indexOf('/', "/rows/".length()) < 0;
    }

    /**
     * True for the six hot row writes that a node's write port answers (docs/architecture.md, "The write
     * port"): {@code POST}, {@code PUT} and {@code DELETE} of {@code /api/v1/dtables/{uuid}/rows/},
     * {@code POST .../batch-append-rows/}, {@code PUT .../batch-update-rows/} and
     * {@code DELETE .../batch-delete-rows/}, each with or without its trailing slash and with any query.
     * Not {@code .../rows/{rowId}/}, nor the same paths under the internal or the gateway prefix.
     *
     * <p>{@code uri} is in origin form and was {@linkplain #classify classified} {@link Kind#FORWARD}, so its
     * UUID segment is not checked again. This runs for every forwarded request: index arithmetic, no allocation.
     *
     * @param method the HTTP method's name, e.g. {@code POST}
     */
    public static boolean isHotWrite(String method, String uri) {
        if (!uri.startsWith(API)) {
            return false;
        }
        int end = uri.indexOf('?');
        if (end < 0) {
            end = uri.length();
        }
        int slash = uri.indexOf('/', API.length());
        if (slash <= API.length() || slash >= end) {
            return false;
        }
        return switch (method) {
            case "POST" -> tailIs(uri, slash, end, ROWS) || tailIs(uri, slash, end, BATCH_APPEND_ROWS);
            case "PUT" -> tailIs(uri, slash, end, ROWS) || tailIs(uri, slash, end, BATCH_UPDATE_ROWS);
            case "DELETE" -> tailIs(uri, slash, end, ROWS) || tailIs(uri, slash, end, BATCH_DELETE_ROWS);
            default -> false;
        };
    }

    /** True when {@code uri} from {@code from} to {@code end} is {@code tail}, or {@code tail} and a slash. */
    private static boolean tailIs(String uri, int from, int end, String tail) {
        int length = end - from;
        return (length == tail.length() || length == tail.length() + 1 && uri.charAt(end - 1) == '/')
                && uri.startsWith(tail, from);
    }

    /** The forwarding decision for a base named in a query parameter (socket.io's {@code dtable_uuid}). */
    public static ProxyPath forQueryBase(String uuid) {
        if (uuid == null || uuid.isEmpty()) {
            return NOT_FOUND;
        }
        return isBaseUuid(uuid) ? new ProxyPath(Kind.FORWARD, uuid, bucketOf(uuid)) : INVALID;
    }

    /** The path of a request target: everything before {@code ?}; an absolute-form target loses its scheme and host. */
    public static String pathOf(String uri) {
        String target = originForm(uri);
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /** The request target in origin form (path and query), as forwarded to a node. */
    public static String originForm(String uri) {
        if (uri.startsWith("http://") || uri.startsWith("https://")) {
            int slash = uri.indexOf('/', uri.indexOf("//") + 2);
            return slash < 0 ? "/" : uri.substring(slash);
        }
        return uri;
    }

    /** Classifies a request path (without query). */
    public static ProxyPath classify(String path) {
        if (path.startsWith(API)) {
            return classifyApi(path.substring(API.length()));
        }
        if (path.startsWith(INTERNAL)) {
            return base(path.substring(INTERNAL.length()), Kind.FORWARD);
        }
        if (path.startsWith(GATEWAY_SOCKET_IO) || path.startsWith(SOCKET_IO)) {
            return SOCKET_IO_PATH;
        }
        if (path.startsWith(GATEWAY_API)) {
            return base(path.substring(GATEWAY_API.length()), Kind.FORWARD);
        }
        if (path.startsWith(PLAIN)) {
            String rest = path.substring(PLAIN.length());
            int slash = rest.indexOf('/');
            // only /dtables/{uuid} and /dtables/{uuid}/ exist on a node (SeaTable's "get base")
            return slash < 0 || slash == rest.length() - 1 ? base(rest, Kind.FORWARD) : NOT_FOUND;
        }
        return NOT_FOUND;
    }

    private static ProxyPath classifyApi(String rest) {
        int slash = rest.indexOf('/');
        String tail = slash < 0 ? "" : rest.substring(slash);
        boolean serverInfo = tail.equals("/server-info/") || tail.equals("/server-info");
        return base(rest, serverInfo ? Kind.SERVER_INFO : Kind.FORWARD);
    }

    /** {@code rest} starts with the UUID segment, then nothing or {@code /...}. */
    private static ProxyPath base(String rest, Kind kind) {
        int slash = rest.indexOf('/');
        String segment = slash < 0 ? rest : rest.substring(0, slash);
        if (segment.isEmpty()) {
            return NOT_FOUND;
        }
        return isBaseUuid(segment) ? new ProxyPath(kind, segment, bucketOf(segment)) : INVALID;
    }

    /** {@link BaseUuid#isValid} without regular expressions: 32 hex digits, or 36 with dashes at 8, 13, 18, 23. */
    static boolean isBaseUuid(String text) {
        int length = text.length();
        if (length != 32 && length != 36) {
            return false;
        }
        boolean dashed = length == 36;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            boolean dashPlace = dashed && (i == 8 || i == 13 || i == 18 || i == 23);
            if (dashPlace ? c != '-' : hex(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static Bucket bucketOf(String uuid) {
        return Bucket.of(hex(uuid.charAt(0)) * 16 + hex(uuid.charAt(1)));
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
