package dtable.web;

import dtable.core.error.ErrorBody;
import dtable.core.error.ErrorType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over {@code max_request_bytes} with {@code 413 request_too_large} before anything
 * reads them: a declared length over the limit at once, a body without one (chunked) when its stream
 * passes the limit. A stream that fails inside Spring's body reading is answered by {@link ErrorAdvice}.
 * It also keeps a form-encoded body raw (see {@link #asRawBody}).
 */
public final class BodyLimitFilter extends OncePerRequestFilter {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String OCTETS = "application/octet-stream";

    private final long maxRequestBytes;

    public BodyLimitFilter(long maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
    }

    /** The filter as a service registers it: right after {@link NodeHeaderFilter}, before anything reads a body. */
    public static FilterRegistrationBean<BodyLimitFilter> registration(long maxRequestBytes) {
        var registration = new FilterRegistrationBean<>(new BodyLimitFilter(maxRequestBytes));
        registration.setOrder(NodeHeaderFilter.ORDER + 1);
        return registration;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxRequestBytes) {
            tooLarge(response);
            return;
        }
        try {
            chain.doFilter(new LimitedBodyRequest(asRawBody(request), maxRequestBytes), response);
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

    /**
     * A body is JSON whatever its {@code Content-Type} (docs/api.md). A form-encoded one would otherwise be
     * parsed as form parameters by the servlet container and handed to the controller re-encoded (so valid
     * JSON became {@code 400 invalid_json}); hide that content type so the body is read as it came.
     */
    private static HttpServletRequest asRawBody(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(FORM)) {
            return request;
        }
        return new HttpServletRequestWrapper(request) {
            @Override
            public String getContentType() {
                return OCTETS;
            }

            @Override
            public String getHeader(String name) {
                return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name) ? OCTETS : super.getHeader(name);
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)
                        ? Collections.enumeration(List.of(OCTETS)) : super.getHeaders(name);
            }
        };
    }

    private void tooLarge(HttpServletResponse response) throws IOException {
        response.resetBuffer();
        response.setStatus(413);
        response.setContentType("application/json");
        response.getWriter().write(ErrorBody.json(ErrorType.REQUEST_TOO_LARGE,
                "request body is larger than max_request_bytes (" + maxRequestBytes + ")"));
    }
}
