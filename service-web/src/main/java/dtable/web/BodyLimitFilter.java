package dtable.web;

import dtable.core.error.ErrorBody;
import dtable.core.error.ErrorType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over {@code max_request_bytes} with {@code 413 request_too_large} before anything
 * reads them: a declared length over the limit at once, a body without one (chunked) when its stream
 * passes the limit. A stream that fails inside Spring's body reading is answered by {@link ErrorAdvice}.
 */
public final class BodyLimitFilter extends OncePerRequestFilter {

    private final long maxRequestBytes;

    public BodyLimitFilter(long maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
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
        response.getWriter().write(ErrorBody.json(ErrorType.REQUEST_TOO_LARGE,
                "request body is larger than max_request_bytes (" + maxRequestBytes + ")"));
    }
}
