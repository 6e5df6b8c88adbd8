package dtable.server.api;

import dtable.server.api.RowsController.RowWrite;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The six row writes ({@link RowsController#writes()}) by method and path segment, each with the path patterns its
 * {@code http.server.requests} timer is tagged with, built once: what the lean servlet path ({@link LeanWriteFilter})
 * and the write port ({@link WritePort}) look a request up in.
 */
final class RowWriteRoutes {

    /** One write and its patterns, {@code /api/v1/dtables/{uuid}/<segment>} without and with the trailing slash. */
    record Route(RowWrite write, String pattern, String patternWithSlash) {

        String pattern(boolean trailingSlash) {
            return trailingSlash ? patternWithSlash : pattern;
        }
    }

    /** Keyed by {@code "METHOD segment"}. */
    private final Map<String, Route> routes = new HashMap<>();

    RowWriteRoutes(List<RowWrite> writes) {
        for (RowWrite write : writes) {
            String pattern = "/api/v1/dtables/{uuid}/" + write.segment();
            routes.put(write.method() + " " + write.segment(), new Route(write, pattern, pattern + "/"));
        }
    }

    /** The write {@code method} of {@code segment} (e.g. {@code POST}, {@code rows}), or null when there is none. */
    Route find(String method, String segment) {
        return routes.get(method + " " + segment);
    }
}
