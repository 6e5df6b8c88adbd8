package dtable.proxy.forward;

import dtable.core.bucket.BaseUuid;
import dtable.core.bucket.Bucket;
import dtable.proxy.forward.Outcome.Failure;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

/**
 * One client request on its way through the proxy, across all its attempts: what to send (method,
 * target, prepared headers, body) and the retry bookkeeping (deadline, count, last failure).
 *
 * <p>Threads: attempts run one after another, but possibly on different event-loop threads; the
 * mutable fields are volatile so each attempt sees what the previous one wrote.
 */
public final class ForwardedRequest {

    private final HttpMethod method;
    private final String uri;
    private final BaseUuid base;
    private final HttpHeaders headers;
    private final RequestBody body;
    private final long startNanos;
    private final long deadlineNanos;

    private volatile int retries;
    private volatile Failure lastFailure;
    private volatile boolean staleTried;

    /**
     * @param uri     path and query exactly as received (not decoded), starting with {@code /}
     * @param headers the headers to forward ({@link ForwardHeaders#forRequest}); not modified later
     */
    public ForwardedRequest(HttpMethod method, String uri, BaseUuid base, HttpHeaders headers, RequestBody body,
                            long startNanos, long budgetNanos) {
        this.method = method;
        this.uri = uri;
        this.base = base;
        this.headers = headers;
        this.body = body;
        this.startNanos = startNanos;
        this.deadlineNanos = startNanos + budgetNanos;
        if (body.length() >= 0) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length());
        }
    }

    public HttpMethod method() {
        return method;
    }

    public String uri() {
        return uri;
    }

    public BaseUuid base() {
        return base;
    }

    public Bucket bucket() {
        return base.bucket();
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
     * True for methods that change nothing (RFC 9110 "safe"): they may be repeated even when a node
     * may have seen them, e.g. after a response timeout.
     */
    public boolean isSafe() {
        return method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS);
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
