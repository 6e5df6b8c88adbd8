package dtable.server.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * The hot row writes (append, update, delete and their batch forms) without annotated-controller dispatch:
 * the same {@link RowsController} method runs, with its token check, lane, group commit and durable
 * acknowledgement, but the request skips handler mapping, argument resolution and message converters.
 * A failure goes to the same exception resolvers the dispatcher uses ({@link NodeErrorAdvice}, then
 * {@code ErrorAdvice}), so status, {@code error_type}, {@code error_msg} and headers are the controllers'.
 *
 * <p>Only requests whose answer cannot depend on content negotiation or path decoding are taken: a plain
 * base UUID segment, no {@code Accept} other than {@code *}{@code /*} or {@code application/json}, a JSON
 * (or no) {@code Content-Type}. Everything else goes on to the dispatcher as before.
 */
public final class LeanWriteFilter extends OncePerRequestFilter {

    private static final String PREFIX = "/api/v1/dtables/";

    /** One of {@link RowsController}'s write methods. */
    @FunctionalInterface
    interface Write {
        String run(String uuid, byte[] body, HttpServletRequest request, HttpServletResponse response);
    }

    /** A write found for a request: the path segment after the UUID (the metrics' path pattern) and the method. */
    private record Route(String segment, Write write) {
    }

    /** Keyed by {@code "METHOD segment"}. */
    private final Map<String, Write> routes;
    private final HandlerExceptionResolver errors;

    public LeanWriteFilter(RowsController rows, HandlerExceptionResolver errors) {
        this.errors = errors;
        this.routes = Map.of(
                "POST rows", rows::append,
                "PUT rows", rows::update,
                "DELETE rows", rows::delete,
                "POST batch-append-rows", rows::batchAppend,
                "PUT batch-update-rows", rows::batchUpdate,
                "DELETE batch-delete-rows", rows::batchDelete);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String uri = request.getRequestURI();
        int uuidEnd = uuidEnd(request, uri);
        Route route = uuidEnd < 0 ? null : route(request.getMethod(), uri, uuidEnd);
        if (route == null || !plainNegotiation(request)) {
            chain.doFilter(request, response);
            return;
        }
        boolean slash = uri.endsWith("/");
        ServerHttpObservationFilter.findObservationContext(request).ifPresent(context ->
                context.setPathPattern(PREFIX + "{uuid}/" + route.segment() + (slash ? "/" : "")));
        String answer;
        try {
            answer = route.write().run(uri.substring(PREFIX.length(), uuidEnd), body(request), request, response);
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

    private Route route(String method, String uri, int uuidEnd) {
        int end = uri.endsWith("/") ? uri.length() - 1 : uri.length();
        if (end <= uuidEnd + 1) {
            return null;
        }
        String segment = uri.substring(uuidEnd + 1, end);
        Write write = routes.get(method + " " + segment);
        return write == null ? null : new Route(segment, write);
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

    /** The body as {@code @RequestBody(required = false) byte[]} sees it: null when empty. */
    private static byte[] body(HttpServletRequest request) {
        try {
            byte[] body = request.getInputStream().readAllBytes();
            return body.length == 0 ? null : body;
        } catch (IOException e) {
            throw new HttpMessageNotReadableException("I/O error while reading input message", e,
                    new ServletServerHttpRequest(request));
        }
    }

    /** Answers a failure as the dispatcher would: through its exception resolvers, recorded for the request metrics. */
    private void fail(HttpServletRequest request, HttpServletResponse response, RuntimeException e)
            throws ServletException {
        if (errors.resolveException(request, response, null, e) == null) {
            throw new ServletException(e);
        }
        request.setAttribute(DispatcherServlet.EXCEPTION_ATTRIBUTE, e);
    }
}
