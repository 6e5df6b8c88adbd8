package dtable.proxy.routing;

import dtable.core.bucket.BaseUuid;
import dtable.core.bucket.InvalidBaseUuidException;

/**
 * What the proxy does with a request, decided from its path alone (SPEC §9).
 *
 * <p>Three families of paths name a base and are forwarded to the node that owns its bucket:
 * {@code /api/v1/dtables/{uuid}/...}, {@code /api/v1/internal/dtables/{uuid}/...} and exactly
 * {@code /dtables/{uuid}} or {@code /dtables/{uuid}/}. One path of the first family is the proxy's own:
 * {@code /api/v1/dtables/{uuid}/server-info/}. Under these prefixes the proxy answers bad UUIDs (400)
 * and unknown shapes (404) itself, so no node is bothered with them. Pure string work; thread-safe.
 *
 * @param kind what to do
 * @param uuid the base, normalised; null for {@link Kind#NOT_FOUND} and {@link Kind#INVALID_UUID}
 */
public record ProxyPath(Kind kind, BaseUuid uuid) {

    /** The proxy's decision for one path. */
    public enum Kind {
        /** send to the owner of the base's bucket */
        FORWARD,
        /** answer which node serves the base */
        SERVER_INFO,
        /** a base path whose UUID segment is not a base UUID: 400 */
        INVALID_UUID,
        /** under a base prefix but no endpoint of ours or of a node: 404 */
        NOT_FOUND
    }

    private static final String API = "/api/v1/dtables/";
    private static final String INTERNAL = "/api/v1/internal/dtables/";
    private static final String PLAIN = "/dtables/";
    private static final ProxyPath NOT_FOUND = new ProxyPath(Kind.NOT_FOUND, null);
    private static final ProxyPath INVALID = new ProxyPath(Kind.INVALID_UUID, null);

    /** True when {@code uri} (path and query as received) is under one of the base prefixes. */
    public static boolean isBasePath(String uri) {
        return uri.startsWith(API) || uri.startsWith(INTERNAL) || uri.startsWith(PLAIN);
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
        try {
            return new ProxyPath(kind, BaseUuid.parse(segment));
        } catch (InvalidBaseUuidException e) {
            return INVALID;
        }
    }
}
