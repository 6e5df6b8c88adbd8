package dtable.proxy.forward;

import dtable.core.bucket.Bucket;
import dtable.proxy.forward.Outcome.Failure;
import dtable.proxy.routing.ProxyPath;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

/**
 * One client request on its way through the proxy, across all its attempts: what to send (method,
 * target, prepared headers, body) and the retry bookkeeping (deadline, count, last failure).
 *
 * <p>Threads: confined to the client connection's event loop, like everything of one exchange.
 */
public final class ForwardedRequest {

    private final HttpMethod method;
    private final String uri;
    private final String base;
    private final Bucket bucket;
    private final HttpHeaders headers;
    private final RequestBody body;
    private final long startNanos;
    private final long deadlineNanos;
    private final boolean hotWrite;

    private int retries;
    private Failure lastFailure;
    private boolean staleTried;
    /** An Engine.IO request (socket.io polling): bound to a session on one node. */
    private boolean engineIo;

    /**
     * @param uri     path and query exactly as received (not decoded), starting with {@code /}
     * @param base    the base UUID as written in the path (already checked)
     * @param bucket  its bucket
     * @param headers the headers to forward ({@link ForwardHeaders#forRequest}); framing headers for
     *                {@code body} are added here, {@code Host} per attempt
     */
    public ForwardedRequest(HttpMethod method, String uri, String base, Bucket bucket, HttpHeaders headers,
                            RequestBody body, long startNanos, long budgetNanos) {
        this.method = method;
        this.uri = uri;
        this.base = base;
        this.bucket = bucket;
        this.headers = headers;
        this.body = body;
        this.startNanos = startNanos;
        this.deadlineNanos = startNanos + budgetNanos;
        this.hotWrite = ProxyPath.isHotWrite(method.name(), uri);
        if (body.length() >= 0) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length());
        } else if (body instanceof RequestBody.Streamed) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
    }

    /** The head of an attempt at {@code target}: same headers, the target's {@code Host} and path prefix. */
    HttpRequest headFor(Target target) {
        headers.set(HttpHeaderNames.HOST, target.address().hostHeader());
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, target.requestUri(), headers);
    }

    public HttpMethod method() {
        return method;
    }

    public String uri() {
        return uri;
    }

    /** The base UUID as the client wrote it. */
    public String base() {
        return base;
    }

    public Bucket bucket() {
        return bucket;
    }

    public HttpHeaders headers() {
        return headers;
    }

    public RequestBody body() {
        return body;
    }

    public long startNanos() {
        return startNanos;
    }

    /** Nanoseconds of the retry budget left at {@code nowNanos} (negative when spent). */
    public long remainingNanos(long nowNanos) {
        return deadlineNanos - nowNanos;
    }

    /**
     * One of the six hot row writes ({@link ProxyPath#isHotWrite}): it goes to the owner's write port
     * when the owner has one ({@link Forwarder#addressOf}).
     */
    public boolean isHotWrite() {
        return hotWrite;
    }

    /**
     * True for methods that change nothing (RFC 9110 "safe"): they may be repeated even when a node
     * may have seen them, e.g. after a response timeout.
     */
    public boolean isSafe() {
        if (engineIo) {
            return false;
        }
        return method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS);
    }

    /**
     * Marks a socket.io (Engine.IO) request. Even its polling GET is not safe to repeat: the node
     * hands buffered packets out with the answer, so a GET whose answer was lost may have taken
     * packets with it, and a repeat would hide that gap from the client. Such a request is therefore
     * retried only when the node cannot have seen it (refused, 307/503, broken before it was sent),
     * and never sent to a slave.
     */
    public void markEngineIo() {
        engineIo = true;
    }

    public boolean isEngineIo() {
        return engineIo;
    }

    public int retries() {
        return retries;
    }

    public Failure lastFailure() {
        return lastFailure;
    }

    /** Records a failed attempt; returns the number of retries so far, this one included. */
    public int failed(Failure failure) {
        lastFailure = failure;
        return ++retries;
    }

    public boolean staleTried() {
        return staleTried;
    }

    public void markStaleTried() {
        staleTried = true;
    }

    /** {@link #uri()} with {@code level=stale} added to the query (SPEC §11 read levels). */
    public String staleUri() {
        return uri + (uri.indexOf('?') < 0 ? "?" : "&") + "level=stale";
    }

    /** True when the client asked for a read level itself (then the proxy does not pick one for it). */
    public boolean asksForReadLevel() {
        int query = uri.indexOf('?');
        return query >= 0 && ("&" + uri.substring(query + 1)).contains("&level=");
    }
}
