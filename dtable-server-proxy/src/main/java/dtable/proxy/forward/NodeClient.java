package dtable.proxy.forward;

import dtable.proxy.ProxySettings;
import dtable.proxy.forward.Outcome.Delivered;
import dtable.proxy.forward.Outcome.Fail;
import dtable.proxy.forward.Outcome.Failure;
import dtable.proxy.forward.Outcome.Reason;
import dtable.proxy.forward.Outcome.Retry;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;

/**
 * Sends one attempt of a {@link ForwardedRequest} to one node (or the slave) and either streams the
 * answer to the client or reports why the attempt may be repeated.
 *
 * <p>Connections come from one pool per node address (Reactor Netty's {@link ConnectionProvider}),
 * kept alive between requests and run on the server's event loops, so a forwarded request usually
 * costs no connect and no thread hop. Bodies flow both ways as {@code ByteBuf}s with back-pressure;
 * nothing is buffered beyond what {@link RequestBody} decided.
 *
 * <p>When may an attempt be repeated? When nothing reached the node (connect failed, or the
 * connection broke before the request was written), when the node answered {@code 307} or
 * {@code 503} (SPEC §7: it applied nothing), when the connection broke before the whole request was
 * written, or for a safe method in any case. A non-safe request that was completely written and then
 * got no answer may have been applied: it ends with 504 or 502, never a second delivery.
 * Thread-safe; one instance serves all requests.
 */
public final class NodeClient implements AutoCloseable {

    /** Response header telling the client that a read was served by the slave without catching up. */
    public static final String READ_LEVEL_HEADER = "X-Dtable-Read-Level";

    private final ConnectionProvider pool;
    private final HttpClient client;
    private final Duration responseTimeout;

    public NodeClient(ProxySettings settings) {
        this.responseTimeout = settings.responseTimeout();
        this.pool = ConnectionProvider.builder("dtable-nodes")
                .maxConnections(settings.maxConnectionsPerNode())
                .pendingAcquireMaxCount(settings.maxConnectionsPerNode() * 8)
                .pendingAcquireTimeout(settings.pendingAcquireTimeout())
                .maxIdleTime(settings.poolMaxIdleTime())
                .evictInBackground(Duration.ofSeconds(5))
                .lifo() // hot connections stay hot; the surplus idles out
                .build();
        this.client = HttpClient.create(pool)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .responseTimeout(settings.responseTimeout())
                .keepAlive(true)
                .followRedirect(false)
                .compress(false)
                // the proxy decides about repeating requests itself, knowing what the node may have applied
                .disableRetry(true);
    }

    /**
     * Where an attempt goes.
     *
     * @param label   the node id (metrics, messages), or {@code slave}
     * @param baseUrl the node's {@code local_node_url} (with or without trailing slash)
     * @param uri     path and query to request there
     * @param stale   a stale read at the slave: 5xx is retried, and the answer is marked stale
     */
    public record Target(String label, String baseUrl, String uri, boolean stale) {

        String url() {
            return (baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl) + uri;
        }

        boolean retryOn(int status) {
            return stale ? status >= 500 : status == 307 || status == 503;
        }
    }

    /**
     * One attempt. Completes with {@link Delivered} after the node's answer was streamed to
     * {@code response}, with {@link Retry} or {@link Fail} when {@code response} was not touched, or
     * with an error when streaming broke after the answer had started (the client connection is then
     * closed: the status line is already out).
     */
    public Mono<Outcome> exchange(ForwardedRequest request, Target target, HttpServerResponse response) {
        AttemptState state = new AttemptState();
        return client
                .doAfterRequest((sent, connection) -> state.sent = true)
                .request(request.method())
                .uri(target.url())
                .send((out, body) -> {
                    state.started = true;
                    HttpHeaders headers = out.requestHeaders();
                    String host = headers.get(HttpHeaderNames.HOST);
                    headers.set(request.headers());
                    headers.set(HttpHeaderNames.HOST, host);
                    RequestBody content = request.body();
                    return content instanceof RequestBody.Empty ? body : body.send(content.open());
                })
                .response((answer, content) -> {
                    int status = answer.status().code();
                    if (target.retryOn(status) && request.body().replayable()) {
                        Reason reason = status == 307 ? Reason.MOVED : Reason.UNAVAILABLE;
                        Failure failure = new Failure(reason, target.label() + " answered " + status);
                        return content.then(Mono.<Outcome>just(new Retry(failure))); // drain so the connection is reused
                    }
                    state.delivering = true;
                    response.status(status);
                    ForwardHeaders.copyResponse(answer.responseHeaders(), response.responseHeaders());
                    if (target.stale()) {
                        response.header(READ_LEVEL_HEADER, "stale");
                    }
                    return Mono.from(response.send(content.retain())).then(Mono.<Outcome>just(new Delivered(status)));
                })
                // single, not next: cancelling after the element would close a reusable connection
                .singleOrEmpty()
                .switchIfEmpty(Mono.<Outcome>fromSupplier(() -> new Retry(new Failure(Reason.UNREACHABLE,
                        target.label() + " gave no response"))))
                .onErrorResume(error -> state.delivering ? Mono.error(error)
                        : Mono.<Outcome>just(classify(error, request, target, state)));
    }

    private Outcome classify(Throwable error, ForwardedRequest request, Target target, AttemptState state) {
        String node = target.label();
        if (!state.started) {
            return new Retry(new Failure(Reason.UNREACHABLE, "cannot reach " + node + ": " + describe(error)));
        }
        if (isTimeout(error)) {
            if (request.isSafe() || !state.sent) {
                return new Retry(new Failure(Reason.TIMEOUT, node + " did not answer within "
                        + responseTimeout.toMillis() + " ms"));
            }
            return new Fail(504, "gateway_timeout", node + " did not answer within " + responseTimeout.toMillis()
                    + " ms; the request may or may not have been applied");
        }
        if (request.isSafe() || !state.sent) {
            return new Retry(new Failure(Reason.CONNECTION_LOST, "connection to " + node + " lost: " + describe(error)));
        }
        return new Fail(502, "bad_gateway", "connection to " + node + " lost after the request was sent ("
                + describe(error) + "); the request may or may not have been applied");
    }

    private static boolean isTimeout(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof io.netty.handler.timeout.TimeoutException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }

    /** Closes pooled connections. */
    @Override
    public void close() {
        pool.dispose();
    }

    /** Progress of one attempt; written on the connection's event loop, read in its callbacks. */
    private static final class AttemptState {
        volatile boolean started;
        volatile boolean sent;
        volatile boolean delivering;
    }
}
