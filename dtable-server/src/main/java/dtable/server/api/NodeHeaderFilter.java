package dtable.server.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Adds {@code X-Dtable-Node} to every answer, and refuses bodies over {@code max_request_bytes}
 * with 413 before anything reads them (a declared length over the limit, or a stream that grows past it).
 */
public final class NodeHeaderFilter extends OncePerRequestFilter {

    public static final String NODE_HEADER = "X-Dtable-Node";

    private final String nodeId;
    private final long maxRequestBytes;

    public NodeHeaderFilter(String nodeId, long maxRequestBytes) {
        this.nodeId = nodeId;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader(NODE_HEADER, nodeId);
        if (request.getContentLengthLong() > maxRequestBytes) {
            tooLarge(response);
            return;
        }
        try {
            chain.doFilter(new LimitedBodyRequest(request, maxRequestBytes), response);
        } catch (ServletException e) {
            if (e.getCause() instanceof LimitedBodyRequest.TooLargeException && !response.isCommitted()) {
                tooLarge(response);
                return;
            }
            throw e;
        } catch (LimitedBodyRequest.TooLargeException e) {
            if (!response.isCommitted()) {
                tooLarge(response);
            }
        }
    }

    private void tooLarge(HttpServletResponse response) throws IOException {
        response.resetBuffer();
        response.setStatus(413);
        response.setContentType("application/json");
        response.getWriter().write(Json.write(Json.newObject().put("error_type", "request_too_large")
                .put("error_msg", "request body is larger than max_request_bytes (" + maxRequestBytes + ")")));
    }
}
