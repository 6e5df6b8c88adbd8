package dtable.proxy.forward;

import dtable.core.bucket.BaseUuid;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.NodeInfo;
import dtable.proxy.ProxySettings;
import dtable.proxy.forward.NodeClient.Target;
import dtable.proxy.forward.Outcome.Delivered;
import dtable.proxy.forward.Outcome.Fail;
import dtable.proxy.forward.Outcome.Failure;
import dtable.proxy.forward.Outcome.Reason;
import dtable.proxy.forward.Outcome.Retry;
import dtable.proxy.routing.ProxyPath;
import dtable.proxy.routing.RoutingTable;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The proxy's request path for every base URL (SPEC §9): route by bucket to the owner named by the
 * current {@link RoutingTable} snapshot, and repeat attempts the node did not apply until one is
 * delivered or the retry budget is spent.
 *
 * <p>The loop, per request: read the snapshot (never etcd); no live owner, 307, 503, or a
 * connection that failed before the node could have applied anything are retryable. A retry goes at
 * once when the map already names a different owner, otherwise it waits for the next map change or a
 * backoff ({@link ProxySettings#backoff}), whichever comes first, but never past the budget. When the
 * budget is spent the client gets 503 with {@code Retry-After} (504 when the last attempt timed out),
 * so clients see no 307 and no 5xx while buckets move. A safe read (GET) whose owner is unreachable
 * (connect refused or timed out, no live owner, or no answer in time) may be served once by the slave
 * with {@code level=stale} when {@code dtable_server_slave_url} is set (SPEC §11); a connection that
 * merely broke is retried at the owner instead, as it is usually a one-off. Bad UUIDs (400), unknown
 * paths (404) and {@code server-info} are answered here without any node.
 *
 * <p>Threads: runs on Reactor Netty event loops and the timer scheduler; holds no per-request state
 * itself ({@link ForwardedRequest} does). Time comes from the injected clock and scheduler.
 */
public final class ForwardingHandler {

    private final RoutingTable table;
    private final NodeClient nodes;
    private final ProxyMetrics metrics;
    private final ProxySettings settings;
    private final long budgetNanos;
    private final Optional<String> slaveUrl;
    private final LongSupplier nanoClock;
    private final Scheduler timer;

    /**
     * @param retryBudget how long one request may be retried ({@code retry_budget_ms})
     * @param slaveUrl    {@code dtable_server_slave_url}, for stale reads while an owner is unreachable
     * @param nanoClock   monotonic time in nanoseconds ({@code System::nanoTime})
     * @param timer       runs backoff waits
     */
    public ForwardingHandler(RoutingTable table, NodeClient nodes, ProxyMetrics metrics, ProxySettings settings,
                             Duration retryBudget, Optional<String> slaveUrl, LongSupplier nanoClock, Scheduler timer) {
        this.table = table;
        this.nodes = nodes;
        this.metrics = metrics;
        this.settings = settings;
        this.budgetNanos = retryBudget.toNanos();
        this.slaveUrl = slaveUrl;
        this.nanoClock = nanoClock;
        this.timer = timer;
    }

    /** Handles one request under a base prefix ({@link ProxyPath#isBasePath}). */
    public Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        long start = nanoClock.getAsLong();
        String uri = ProxyPath.originForm(request.uri());
        String path = ProxyPath.pathOf(uri);
        ProxyPath route = ProxyPath.classify(path);
        return switch (route.kind()) {
            case NOT_FOUND -> reply(response, start, 404, "not_found", "no such endpoint: " + path);
            case INVALID_UUID -> reply(response, start, 400, "invalid_dtable_uuid", "invalid dtable_uuid");
            case SERVER_INFO -> serverInfo(request, response, route.uuid(), start);
            case FORWARD -> forward(request, response, uri, route.uuid(), start);
        };
    }

    private Mono<Void> forward(HttpServerRequest request, HttpServerResponse response, String uri, BaseUuid base,
                               long start) {
        HttpHeaders headers = ForwardHeaders.forRequest(request.requestHeaders(), request.remoteAddress(),
                request.scheme());
        return RequestBody.read(request, settings.replayBufferBytes()).flatMap(body -> {
            ForwardedRequest forwarded = new ForwardedRequest(request.method(), uri, base, headers, body, start,
                    budgetNanos);
            return attempt(forwarded, response).doFinally(signal -> body.release());
        });
    }

    /** One attempt at the owner the current snapshot names. */
    private Mono<Void> attempt(ForwardedRequest request, HttpServerResponse response) {
        NodeInfo owner = table.current().ownerInfo(request.bucket());
        if (owner == null || owner.localNodeUrl() == null) {
            return afterFailure(request, response, null,
                    new Failure(Reason.NO_OWNER, "bucket " + request.bucket() + " has no live owner"));
        }
        Target target = new Target(owner.nodeId(), owner.localNodeUrl(), request.uri(), false);
        return nodes.exchange(request, target, response).flatMap(outcome -> switch (outcome) {
            case Delivered delivered -> delivered(request, owner.nodeId(), delivered);
            case Fail fail -> reply(response, request.startNanos(), fail.status(), fail.errorType(), fail.message());
            case Retry retry -> afterFailure(request, response, owner, retry.failure());
        });
    }

    private Mono<Void> afterFailure(ForwardedRequest request, HttpServerResponse response, NodeInfo tried,
                                    Failure failure) {
        request.failed(failure);
        if (mayReadStale(request, failure)) {
            request.markStaleTried();
            Target slave = new Target("slave", slaveUrl.orElseThrow(), request.staleUri(), true);
            return nodes.exchange(request, slave, response).flatMap(outcome -> switch (outcome) {
                case Delivered delivered -> delivered(request, "slave", delivered);
                case Fail fail -> reply(response, request.startNanos(), fail.status(), fail.errorType(), fail.message());
                case Retry ignored -> retryLater(request, response, tried); // the slave could not help: keep at the owner
            });
        }
        return retryLater(request, response, tried);
    }

    private boolean mayReadStale(ForwardedRequest request, Failure failure) {
        Reason reason = failure.reason();
        return slaveUrl.isPresent() && request.method().equals(HttpMethod.GET) && !request.staleTried()
                && !request.asksForReadLevel()
                && (reason == Reason.UNREACHABLE || reason == Reason.NO_OWNER || reason == Reason.TIMEOUT);
    }

    /** Retries at once when the map already moved the bucket, otherwise after a change or a backoff. */
    private Mono<Void> retryLater(ForwardedRequest request, HttpServerResponse response, NodeInfo tried) {
        Failure failure = request.lastFailure();
        if (!request.body().replayable()) {
            return reply(response, request.startNanos(), 502, "bad_gateway", failure.detail()
                    + "; the request body was already streamed and is too large to send again");
        }
        long remaining = request.remainingNanos(nanoClock.getAsLong());
        if (remaining <= 0) {
            return budgetSpent(request, response);
        }
        metrics.retried(failure.reason());
        CompletableFuture<BucketMap> change = table.nextChange(); // before reading current(): see RoutingTable
        NodeInfo owner = table.current().ownerInfo(request.bucket());
        if (owner != null && !owner.equals(tried)) {
            return attempt(request, response);
        }
        Duration backoff = settings.backoff(request.retries() - 1);
        Duration wait = backoff.toNanos() < remaining ? backoff : Duration.ofNanos(remaining);
        return Mono.fromFuture(change, true).then()
                .timeout(wait, Mono.empty(), timer)
                .then(Mono.defer(() -> attempt(request, response)));
    }

    private Mono<Void> budgetSpent(ForwardedRequest request, HttpServerResponse response) {
        Failure last = request.lastFailure();
        String within = " within the retry budget of " + Duration.ofNanos(budgetNanos).toMillis() + " ms ("
                + request.retries() + " attempts); last: " + last.detail();
        if (last.reason() == Reason.TIMEOUT) {
            return reply(response, request.startNanos(), 504, "gateway_timeout",
                    "no node answered for base " + request.base() + within);
        }
        return reply(response, request.startNanos(), 503, "base_unavailable",
                "no node could serve base " + request.base() + within);
    }

    private Mono<Void> delivered(ForwardedRequest request, String node, Delivered delivered) {
        metrics.answered(node, delivered.status(), nanoClock.getAsLong() - request.startNanos());
        return Mono.empty();
    }

    private Mono<Void> serverInfo(HttpServerRequest request, HttpServerResponse response, BaseUuid base, long start) {
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            return reply(response, start, 405, "method_not_allowed", "server-info answers GET only");
        }
        NodeInfo owner = table.current().ownerInfo(base.bucket());
        if (owner == null) {
            return reply(response, start, 503, "no_owner", "bucket " + base.bucket() + " has no live owner");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dtable_uuid", base.value());
        body.put("bucket", base.bucket().hex());
        body.put("node_id", owner.nodeId());
        body.put("node_url", owner.nodeUrl());
        body.put("local_node_url", owner.localNodeUrl());
        metrics.answered(ProxyMetrics.PROXY, 200, nanoClock.getAsLong() - start);
        return Replies.json(response, 200, body);
    }

    private Mono<Void> reply(HttpServerResponse response, long start, int status, String errorType, String message) {
        metrics.answered(ProxyMetrics.PROXY, status, nanoClock.getAsLong() - start);
        return Replies.error(response, status, errorType, message);
    }
}
