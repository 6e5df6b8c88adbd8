package dtable.server.slave;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
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
 * <p>Transport: {@link HttpURLConnection} (with the JDK's keep-alive cache) and a large copy buffer.
 * Measured on a 20 MB body, the {@code java.net.http} client spent 3 to 5 times more CPU per byte
 * (a hand-off between threads for every chunk), and that CPU is the owner's, which the slave exists to spare.
 *
 * <p>Thread-safe: one instance serves all request threads; each forward uses its own connection.
 */
public final class SlaveClient {

    private static final Logger log = LoggerFactory.getLogger(SlaveClient.class);
    private static final int COPY_BUFFER_BYTES = 256 * 1024;
    /** Hop-by-hop headers (RFC 9110 §7.6.1) and those the client sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "expect", "http2-settings", "date", "x-forwarded-for");
    /** Not sent to the slave, but copied from its answer: the body is copied byte for byte. */
    private static final Set<String> COPIED_BACK = Set.of("content-length");
    public static final String FORWARDED_BY_HEADER = "X-Dtable-Forwarded-By";

    private final URI slaveUrl;
    private final String nodeId;
    private final Clock clock;
    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final Duration retryAfter;
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
        this.connectTimeout = connectTimeout;
        this.responseTimeout = responseTimeout;
        this.retryAfter = retryAfter;
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
        HttpURLConnection connection;
        try {
            connection = open(request);
        } catch (IllegalArgumentException | MalformedURLException e) {
            // a path or query that does not make a URL as is: not the slave's fault
            log.debug("not forwarding {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
            fallbacks.incrementAndGet();
            return false;
        }
        int status;
        try {
            status = connection.getResponseCode(); // connects, sends, waits for the status line and headers
        } catch (IOException e) {
            connection.disconnect();
            return unavailable(request, e.toString());
        }
        if (status >= 500 || status < 100) {
            discard(connection, status);
            return unavailable(request, "answered " + status);
        }
        if (skipUntilMillis != 0) {
            skipUntilMillis = 0;
            log.info("dtable-server-slave {} answers again; forwarding large-base reads to it", slaveUrl);
        }
        copy(connection, status, response);
        forwarded.incrementAndGet();
        return true;
    }

    private HttpURLConnection open(HttpServletRequest request) throws IOException {
        String query = request.getQueryString();
        String path = request.getRequestURI().substring(1); // slaveUrl ends with '/'
        URL target = slaveUrl.resolve(path + (query == null ? "" : "?" + query)).toURL();
        HttpURLConnection connection = (HttpURLConnection) target.openConnection(Proxy.NO_PROXY);
        connection.setRequestMethod(request.getMethod());
        connection.setConnectTimeout((int) connectTimeout.toMillis());
        connection.setReadTimeout((int) responseTimeout.toMillis());
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        for (String name : Collections.list(request.getHeaderNames())) {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                for (String value : Collections.list(request.getHeaders(name))) {
                    connection.addRequestProperty(name, value);
                }
            }
        }
        String forwardedFor = request.getHeader("X-Forwarded-For");
        connection.setRequestProperty("X-Forwarded-For", forwardedFor == null || forwardedFor.isBlank()
                ? request.getRemoteAddr() : forwardedFor + ", " + request.getRemoteAddr());
        connection.setRequestProperty(FORWARDED_BY_HEADER, nodeId);
        return connection;
    }

    private static void copy(HttpURLConnection connection, int status, HttpServletResponse response) throws IOException {
        response.setStatus(status);
        for (Map.Entry<String, List<String>> header : connection.getHeaderFields().entrySet()) {
            String name = header.getKey();
            if (name == null) {
                continue; // the status line
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (NOT_FORWARDED.contains(lower) && !COPIED_BACK.contains(lower)) {
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
        try (InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (body == null) {
                return; // no body (HEAD, 204, 304)
            }
            OutputStream out = response.getOutputStream();
            byte[] buffer = new byte[COPY_BUFFER_BYTES];
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                out.write(buffer, 0, n);
            }
            out.flush();
        }
    }

    /** Reads and drops an answer we will not pass on, so the connection can be reused. */
    private static void discard(HttpURLConnection connection, int status) {
        try (InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (body != null) {
                body.transferTo(OutputStream.nullOutputStream());
            }
        } catch (IOException e) {
            connection.disconnect();
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
