package dtable.server.api;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * The hot row writes (append, update, delete and their batch forms) without annotated-controller dispatch:
 * the same {@link RowsController} write runs ({@link RowsController#write}, looked up in {@link RowWriteRoutes}),
 * with its token check, lane, group commit and durable acknowledgement, but the request skips handler mapping,
 * argument resolution and message converters.
 * A failure goes to the same exception resolvers the dispatcher uses ({@link NodeErrorAdvice}, then
 * {@code ErrorAdvice}), so status, {@code error_type}, {@code error_msg} and headers are the controllers'.
 *
 * <p>Only requests whose answer cannot depend on content negotiation or path decoding are taken: a plain
 * base UUID segment, no {@code Accept} other than {@code *}{@code /*} or {@code application/json}, a JSON
 * (or no) {@code Content-Type}. Everything else goes on to the dispatcher as before.
 *
 * <p>It runs before the request metrics' observation filter ({@link LeanWrites}) and records the taken requests
 * in the same {@code http.server.requests} timer with the same tags itself: the observation's per-request
 * context, conventions and handlers were about 5 % of the node's CPU per write (docs/benchmarks.md). A 307's
 * {@code Location} needs the request context, so a failure is resolved with it set.
 */
public final class LeanWriteFilter extends OncePerRequestFilter {

    private static final String PREFIX = "/api/v1/dtables/";

    private final RowsController rows;
    private final RowWriteRoutes routes;
    private final HandlerExceptionResolver errors;
    private final RequestTimers timers;

    public LeanWriteFilter(RowsController rows, HandlerExceptionResolver errors, MeterRegistry meters) {
        this.rows = rows;
        this.routes = new RowWriteRoutes(rows.writes());
        this.errors = errors;
        this.timers = new RequestTimers(meters);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String uri = request.getRequestURI();
        int uuidEnd = uuidEnd(request, uri);
        RowWriteRoutes.Route route = uuidEnd < 0 ? null : route(request.getMethod(), uri, uuidEnd);
        if (route == null || !plainNegotiation(request)) {
            chain.doFilter(request, response);
            return;
        }
        long start = System.nanoTime();
        String error = "none";
        try {
            answer(route, uri.substring(PREFIX.length(), uuidEnd), request, response);
        } catch (ServletException | IOException | RuntimeException e) {
            error = e.getClass().getSimpleName();
            throw e;
        } finally {
            timers.record(route.write().method(), error.equals("none") ? response.getStatus() : 500,
                    route.pattern(uri.endsWith("/")), error, System.nanoTime() - start);
        }
    }

    private void answer(RowWriteRoutes.Route route, String uuid, HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String answer;
        try {
            answer = rows.write(route.write(), uuid, body(request), request, response);
        } catch (RuntimeException e) {
            fail(request, response, e);
            return;
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** Where the UUID segment ends in {@code /api/v1/dtables/<uuid>/…}, or -1 when the path is not that plain. */
    private static int uuidEnd(HttpServletRequest request, String uri) {
        if (!uri.startsWith(PREFIX) || !request.getContextPath().isEmpty()) {
            return -1;
        }
        for (int i = PREFIX.length(); i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '/') {
                return i > PREFIX.length() ? i : -1;
            }
            // letters, digits and dashes only: anything else (%-escapes, ';' parameters) is the dispatcher's to decode
            boolean plain = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-';
            if (!plain) {
                return -1;
            }
        }
        return -1;
    }

    private RowWriteRoutes.Route route(String method, String uri, int uuidEnd) {
        int end = uri.endsWith("/") ? uri.length() - 1 : uri.length();
        if (end <= uuidEnd + 1) {
            return null;
        }
        return routes.find(method, uri.substring(uuidEnd + 1, end));
    }

    /** True when the dispatcher would accept the body as it is and answer {@code application/json}. */
    private static boolean plainNegotiation(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        if (accept != null && !accept.equals("*/*") && !accept.equals("application/json")) {
            return false;
        }
        String type = request.getContentType();
        if (type == null) {
            return true;
        }
        String lower = type.toLowerCase(Locale.ROOT);
        return lower.equals("application/json") || lower.startsWith("application/json;")
                || lower.equals("application/octet-stream");
    }

    /**
     * The body as {@code @RequestBody(required = false) byte[]} sees it: null when empty. A declared length is read
     * into an array of exactly that size: {@code readAllBytes} starts with a buffer of several KiB whatever the
     * length, which was half of all the bytes the node allocated per write (bodies are usually under 200 bytes).
     */
    private static byte[] body(HttpServletRequest request) {
        try {
            long declared = request.getContentLengthLong();
            InputStream in = request.getInputStream();
            byte[] body;
            if (declared >= 0 && declared <= Integer.MAX_VALUE - 8) {
                body = new byte[(int) declared];
                if (in.readNBytes(body, 0, body.length) < body.length) {
                    throw new EOFException("the body ended before its Content-Length of " + declared + " bytes");
                }
            } else {
                body = in.readAllBytes();
            }
            return body.length == 0 ? null : body;
        } catch (IOException e) {
            throw new HttpMessageNotReadableException("I/O error while reading input message", e,
                    new ServletServerHttpRequest(request));
        }
    }

    /**
     * Answers a failure as the dispatcher would: through its exception resolvers, with the request context set
     * (a 307's {@code Location} is built from the current request, {@link RequestPaths}).
     */
    private void fail(HttpServletRequest request, HttpServletResponse response, RuntimeException e)
            throws ServletException {
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request, response));
        try {
            if (errors.resolveException(request, response, null, e) == null) {
                throw new ServletException(e);
            }
        } finally {
            RequestContextHolder.resetRequestAttributes();
        }
    }
}
