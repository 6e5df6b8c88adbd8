package dtable.server.slave;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards one read to the dtable-server-slave and streams its answer back: method, path, query and
 * end-to-end headers (with {@code Authorization}) go out; status, end-to-end headers (with the slave's
 * {@code X-Dtable-Node}) and the body come back, copied as they arrive.
 *
 * <p>Falling back: when the slave cannot be reached, times out before answering, or answers 5xx,
 * nothing has been written to the client yet, so {@link #forward} returns false and the node serves
 * the read itself. After such a failure the slave is skipped for {@code retryAfter} (measured on the
 * injected clock), so a dead slave costs one failed connect per period, not one per request. A failure
 * in the middle of streaming the body cannot be undone: the client's connection is broken.
 *
 * <p>Thread-safe: one instance serves all request threads (the JDK client is shared).
 */
public final class SlaveClient {

    private static final Logger log = LoggerFactory.getLogger(SlaveClient.class);
    /** Hop-by-hop headers (RFC 9110 §7.6.1) and those the JDK client sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "expect", "http2-settings", "date", "x-forwarded-for");
    /** Not sent to the slave, but copied from its answer: the body is copied byte for byte. */
    private static final Set<String> COPIED_BACK = Set.of("content-length");
    public static final String FORWARDED_BY_HEADER = "X-Dtable-Forwarded-By";

    private final URI slaveUrl;
    private final String nodeId;
    private final Clock clock;
    private final Duration responseTimeout;
    private final Duration retryAfter;
    private final HttpClient http;
    private volatile long skipUntilMillis;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();

    /**
     * @param slaveUrl        {@code dtable_server_slave_url}, ending with {@code /}
     * @param connectTimeout  how long to try to connect before serving locally
     * @param responseTimeout how long to wait for the slave's status line before serving locally
     * @param retryAfter      how long to skip the slave after a failure
     */
    public SlaveClient(URI slaveUrl, String nodeId, Clock clock, Duration connectTimeout, Duration responseTimeout,
            Duration retryAfter) {
        this.slaveUrl = slaveUrl;
        this.nodeId = nodeId;
        this.clock = clock;
        this.responseTimeout = responseTimeout;
        this.retryAfter = retryAfter;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Sends {@code request} to the slave and copies its answer into {@code response}.
     *
     * @return true when the slave answered (the response is written), false when it is unavailable and
     *         nothing was written (the caller serves the read itself)
     * @throws IOException when the answer broke off after it started (nothing can be done then)
     */
    public boolean forward(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (clock.millis() < skipUntilMillis) {
            fallbacks.incrementAndGet();
            return false;
        }
        HttpRequest outgoing;
        try {
            outgoing = outgoing(request);
        } catch (IllegalArgumentException e) {
            // a path, query or header the JDK client will not send as is: not the slave's fault
            log.debug("not forwarding {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
            fallbacks.incrementAndGet();
            return false;
        }
        HttpResponse<InputStream> answer;
        try {
            answer = http.send(outgoing, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return unavailable(request, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable(request, "interrupted");
        }
        if (answer.statusCode() >= 500) {
            answer.body().close();
            return unavailable(request, "answered " + answer.statusCode());
        }
        if (skipUntilMillis != 0) {
            skipUntilMillis = 0;
            log.info("dtable-server-slave {} answers again; forwarding large-base reads to it", slaveUrl);
        }
        copy(answer, response);
        forwarded.incrementAndGet();
        return true;
    }

    private HttpRequest outgoing(HttpServletRequest request) {
        String query = request.getQueryString();
        String path = request.getRequestURI().substring(1); // slaveUrl ends with '/'
        URI target = slaveUrl.resolve(path + (query == null ? "" : "?" + query));
        HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(responseTimeout)
                .method(request.getMethod(), HttpRequest.BodyPublishers.noBody());
        for (String name : Collections.list(request.getHeaderNames())) {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                for (String value : Collections.list(request.getHeaders(name))) {
                    builder.header(name, value);
                }
            }
        }
        String forwardedFor = request.getHeader("X-Forwarded-For");
        builder.header("X-Forwarded-For", forwardedFor == null || forwardedFor.isBlank() ? request.getRemoteAddr()
                : forwardedFor + ", " + request.getRemoteAddr());
        builder.header(FORWARDED_BY_HEADER, nodeId);
        return builder.build();
    }

    private static void copy(HttpResponse<InputStream> answer, HttpServletResponse response) throws IOException {
        response.setStatus(answer.statusCode());
        for (Map.Entry<String, List<String>> header : answer.headers().map().entrySet()) {
            String name = header.getKey();
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith(":") || (NOT_FORWARDED.contains(lower) && !COPIED_BACK.contains(lower))) {
                continue;
            }
            boolean first = true;
            for (String value : header.getValue()) {
                if (first) {
                    response.setHeader(name, value); // replaces this node's X-Dtable-Node with the slave's
                    first = false;
                } else {
                    response.addHeader(name, value);
                }
            }
        }
        try (InputStream body = answer.body()) {
            OutputStream out = response.getOutputStream();
            body.transferTo(out);
            out.flush();
        }
    }

    private boolean unavailable(HttpServletRequest request, String reason) {
        fallbacks.incrementAndGet();
        boolean wasUp = skipUntilMillis == 0;
        skipUntilMillis = clock.millis() + retryAfter.toMillis();
        if (wasUp) {
            log.warn("dtable-server-slave {} unavailable ({}) for {} {}; serving large-base reads locally for {} ms",
                    slaveUrl, reason, request.getMethod(), request.getRequestURI(), retryAfter.toMillis());
        } else {
            log.debug("dtable-server-slave {} still unavailable: {}", slaveUrl, reason);
        }
        return false;
    }

    /** Reads answered by the slave so far. */
    public long forwarded() {
        return forwarded.get();
    }

    /** Reads that should have gone to the slave but were served locally because it was unavailable. */
    public long fallbacks() {
        return fallbacks.get();
    }

    public URI slaveUrl() {
        return slaveUrl;
    }
}
