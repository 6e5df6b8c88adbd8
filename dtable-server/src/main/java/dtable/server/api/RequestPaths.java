package dtable.server.api;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** Builds the {@code Location} of a 307: the same path and query at another node's URL. */
final class RequestPaths {

    private RequestPaths() {
    }

    /** The current servlet request's path and query, or {@code /} outside one. */
    static String current() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            String query = request.getQueryString();
            return request.getRequestURI() + (query == null ? "" : "?" + query);
        }
        return "/";
    }

    /** {@code pathAndQuery} (starting with {@code /}) at {@code nodeUrl}. */
    static String relocate(String nodeUrl, String pathAndQuery) {
        String base = nodeUrl.endsWith("/") ? nodeUrl.substring(0, nodeUrl.length() - 1) : nodeUrl;
        return base + pathAndQuery;
    }
}
