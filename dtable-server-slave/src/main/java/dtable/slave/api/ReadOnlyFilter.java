package dtable.slave.api;

import dtable.core.error.ErrorBody;
import dtable.core.error.ErrorType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses every method but GET, HEAD and OPTIONS on the base paths ({@code /dtables/...},
 * {@code /api/v1/dtables/...}) with 405 {@code read_only} and {@code Allow: GET, HEAD}, before anything
 * else looks at the request: the slave holds copies and must never change a base (writes go to the
 * owner). Done here rather than per endpoint so that no write path can slip through unmapped.
 */
public final class ReadOnlyFilter extends OncePerRequestFilter {

    public static final String MESSAGE = "dtable-server-slave serves reads only; send writes to the owner";
    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final byte[] BODY = ErrorBody.json(ErrorType.READ_ONLY, MESSAGE).getBytes(StandardCharsets.UTF_8);

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (READ_METHODS.contains(request.getMethod()) || !isBasePath(request.getRequestURI())) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(405);
        response.setHeader("Allow", "GET, HEAD");
        response.setContentType("application/json");
        response.setContentLength(BODY.length);
        response.getOutputStream().write(BODY);
    }

    static boolean isBasePath(String uri) {
        return uri.startsWith("/dtables/") || uri.startsWith("/api/v1/dtables/");
    }
}
