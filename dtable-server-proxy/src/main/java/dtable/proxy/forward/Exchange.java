package dtable.proxy.forward;

import dtable.core.cluster.NodeInfo;
import dtable.proxy.forward.Outcome.Failure;
import dtable.proxy.forward.Outcome.Reason;
import dtable.proxy.routing.ProxyPath;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarded request from its head to the end of its answer, across attempts (SPEC §9): route by
 * bucket to the owner the current snapshot names (a hot row write to the owner's write port when it has
 * one, {@link Forwarder#addressOf}), and repeat attempts the node did not apply until one is delivered
 * or the retry budget is spent.
 *
 * <p>After a retryable failure the next attempt goes at once when the map already names another
 * owner; otherwise it waits for the next map change or a backoff ({@link dtable.proxy.ProxySettings#backoff}),
 * whichever comes first, never past the budget. When the budget is spent the client gets 503 with
 * {@code Retry-After} (504 when the last attempt timed out): clients see no 307 and no 5xx while
 * buckets move. A GET whose owner is unreachable (connect failed, no live owner, no answer in time)
 * is served once by the slave with {@code level=stale} (SPEC §11): the one of
 * {@code dtable_server_slave_url}, or else one registered under {@code slaves/}; a connection that merely broke is retried at the owner, as it is usually a one-off.
 *
 * <p>Threads: confined to the client connection's event loop; node connections are taken from that
 * loop's {@link NodeChannels}, and map changes are handed to the loop by {@link Forwarder}.
 */
final class Exchange implements ClientConnectionHandler.ClientExchange {

    /**
     * Where an exchange is. An attempt ({@link NodeAttempt}) exists in {@code ATTEMPTING} and, once
     * its answer head went out, in {@code DELIVERING}:
     * <pre>
     *  READING_BODY ─complete─► CONNECTING ─connected─► ATTEMPTING ─head─► DELIVERING ─last─► DONE
     *                     ▲          │                     │
     *                     │   refused│          retryable  │
     *                     │          ▼          failure    ▼
     *                     └─wake─ WAITING ◄────────────────┘   (or straight on, or 502/503/504 ─► DONE)
     * </pre>
     * The client going away ends any phase in {@code DONE}.
     */
    enum Phase {
        /** a body that must be complete before the first attempt is still arriving */
        READING_BODY,
        /** a new connection to the target is being made */
        CONNECTING,
        /** an attempt is running; nothing has been written to the client yet */
        ATTEMPTING,
        /** a retry waits for a map change or its backoff */
        WAITING,
        /** the answer's head is out to the client; the body follows */
        DELIVERING,
        /** the answer is complete, or the client is gone */
        DONE
    }

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    private final Forwarder forwarder;
    private final Forwarder.LoopState loop;
    private final ForwardingChannelHandler frontend;
    private final ChannelHandlerContext client;
    private final ForwardedRequest request;
    private final RequestBody body;
    private final boolean http10;
    private final boolean head;
    /** Whether the client connection stays open after this answer; cleared when the answer can only end by closing. */
    private boolean clientKeepAlive;

    private Phase phase = Phase.READING_BODY;
    private NodeInfo tried;
    /** The running attempt, in {@link Phase#ATTEMPTING} and {@link Phase#DELIVERING}; else null. */
    private NodeAttempt attempt;
    private ScheduledFuture<?> backoff;
    /** The status sent to the client (for the metrics). */
    private int status;
    /** Body bytes of the node's answer passed to the client so far (for the log when it breaks off). */
    private long deliveredBytes;

    Exchange(Forwarder forwarder, Forwarder.LoopState loop, ForwardingChannelHandler frontend,
             ChannelHandlerContext client, ForwardedRequest request, RequestBody body, boolean clientKeepAlive,
             boolean http10) {
        this.forwarder = forwarder;
        this.loop = loop;
        this.frontend = frontend;
        this.client = client;
        this.request = request;
        this.body = body;
        this.clientKeepAlive = clientKeepAlive;
        this.http10 = http10;
        this.head = request.method().equals(HttpMethod.HEAD);
        forwarder.exchangeStarted();
    }

    /** Starts the first attempt, or reads a body that must be complete first. */
    void start() {
        if (body.neededBeforeSending() && !body.complete()) {
            client.read();
        } else {
            attemptNow();
            readMoreBody();
        }
    }

    /**
     * Continues a GET whose first attempt was made as bytes ({@link ByteExchange}) at {@code triedOwner} and
     * failed: as after a failed attempt of this exchange (stale read, retry, or the budget's end).
     */
    void resumeAfter(Failure failure, NodeInfo triedOwner) {
        tried = triedOwner;
        failed(failure);
    }

    ForwardedRequest request() {
        return request;
    }

    boolean isSafe() {
        return request.isSafe();
    }

    boolean bodyReplayable() {
        return body.replayable();
    }

    /** The response may be kept alive after this exchange. */
    boolean keepAlive() {
        return clientKeepAlive;
    }

    Phase phase() {
        return phase;
    }

    // ---- the client's request body ------------------------------------------------------------

    /** A piece of the request body (takes ownership). */
    void onRequestContent(HttpContent content) {
        if (phase == Phase.DONE) {
            content.release();
            return;
        }
        body.add(content);
        if (phase == Phase.READING_BODY && body.complete()) {
            attemptNow();
        }
        readMoreBody();
    }

    private void readMoreBody() {
        if (phase != Phase.DONE && !body.complete() && body.wantsMore()) {
            client.read();
        }
    }

    /** A node connection can take more of a streamed body. */
    void nodeWritable() {
        readMoreBody();
    }

    // ---- attempts -----------------------------------------------------------------------------

    private void attemptNow() {
        cancelBackoff();
        NodeInfo owner = forwarder.table().current().ownerInfo(request.bucket());
        tried = owner;
        if (owner == null || owner.localNodeUrl() == null) {
            failed(new Failure(Reason.NO_OWNER, "bucket " + request.bucket() + " has no live owner"));
            return;
        }
        connect(new Target(owner.nodeId(), forwarder.addressOf(owner, request.isHotWrite()), request.uri(), false));
    }

    private void connect(Target target) {
        Channel pooled = loop.channels().pooled(target.address());
        if (pooled != null) {
            send(target, pooled);
            return;
        }
        phase = Phase.CONNECTING;
        loop.channels().connect(target.address()).addListener((Future<Channel> connected) -> {
            if (phase != Phase.CONNECTING) { // the client went away meanwhile
                if (connected.isSuccess()) {
                    loop.channels().release(target.address(), connected.getNow(), true);
                }
            } else if (connected.isSuccess()) {
                send(target, connected.getNow());
            } else if (target.stale()) {
                retryLater(); // the slave could not help: keep at the owner
            } else {
                forwarder.connectFailures.accept(target.label(), connected.cause()); // RefusalReporter
                failed(new Failure(Reason.UNREACHABLE, "cannot reach " + target.label() + ": "
                        + NodeAttempt.describe(connected.cause())));
            }
        });
    }

    private void send(Target target, Channel node) {
        phase = Phase.ATTEMPTING;
        attempt = new NodeAttempt(this, loop.channels(), node, target, forwarder.settings().responseTimeout());
        attempt.send(request, body);
        readMoreBody();
    }

    /** The attempt ended without touching the client's response and may be repeated. */
    void attemptFailed(NodeAttempt failed, Failure failure) {
        attempt = null;
        if (phase != Phase.ATTEMPTING) {
            return;
        }
        if (failed.target().stale()) {
            retryLater(); // the slave could not help: keep at the owner
        } else {
            failed(failure);
        }
    }

    /** The attempt ended in a way that must not be repeated. */
    void attemptFatal(NodeAttempt failed, Outcome.Fail fail) {
        attempt = null;
        reply(Replies.error(fail.status(), fail.errorType(), fail.message()));
    }

    private void failed(Failure failure) {
        request.failed(failure);
        Optional<NodeAddress> slave = mayReadStale(failure) ? forwarder.slave() : Optional.empty();
        if (slave.isPresent()) {
            request.markStaleTried();
            connect(new Target("slave", slave.get(), request.staleUri(), true));
            return;
        }
        retryLater();
    }

    private boolean mayReadStale(Failure failure) {
        Reason reason = failure.reason();
        return request.method().equals(HttpMethod.GET) && !request.isEngineIo() && !request.staleTried()
                && !request.asksForReadLevel() && ProxyPath.servedBySlave(request.uri())
                && (reason == Reason.UNREACHABLE || reason == Reason.NO_OWNER || reason == Reason.TIMEOUT);
    }

    private void retryLater() {
        Failure failure = request.lastFailure();
        if (!body.replayable()) {
            reply(Replies.error(502, "bad_gateway", failure.detail()
                    + "; the request body was already streamed and is too large to send again"));
            return;
        }
        long remaining = request.remainingNanos(forwarder.nanoTime());
        if (remaining <= 0) {
            budgetSpent();
            return;
        }
        forwarder.metrics().retried(failure.reason());
        NodeInfo owner = forwarder.table().current().ownerInfo(request.bucket());
        if (owner != null && !owner.equals(tried)) {
            attemptNow(); // the map already moved the bucket
            return;
        }
        long wait = Math.min(forwarder.settings().backoff(request.retries() - 1).toNanos(), remaining);
        phase = Phase.WAITING;
        loop.waitForChange(this);
        backoff = client.executor().schedule(this::wake, wait, TimeUnit.NANOSECONDS);
    }

    /** The backoff ended or the map changed: try again. */
    void wake() {
        if (phase == Phase.WAITING) {
            loop.stopWaiting(this);
            attemptNow();
        }
    }

    private void budgetSpent() {
        Failure last = request.lastFailure();
        String within = " within the retry budget of " + Duration.ofNanos(forwarder.budgetNanos()).toMillis()
                + " ms (" + request.retries() + " attempts); last: " + last.detail();
        if (last.reason() == Reason.TIMEOUT) {
            reply(Replies.error(504, "gateway_timeout", "no node answered for base " + request.base() + within));
        } else {
            reply(Replies.error(503, "base_unavailable", "no node could serve base " + request.base() + within));
        }
    }

    // ---- the answer ---------------------------------------------------------------------------

    /** Writes the node's response head to the client. */
    void deliverHead(NodeAttempt from, HttpResponse nodeHead) {
        phase = Phase.DELIVERING;
        status = nodeHead.status().code();
        HttpHeaders headers = ForwardHeaders.forResponse(nodeHead.headers());
        if (from.target().stale()) {
            headers.set(Forwarder.READ_LEVEL_HEADER, "stale");
        }
        if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH) && mayHaveBody(nodeHead.status())) {
            // the node's framing stayed on its hop; frame the body for this one (HTTP/1.0: by closing)
            if (http10) {
                clientKeepAlive = false;
            } else {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        if (!clientKeepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        nodeHead.setProtocolVersion(HttpVersion.HTTP_1_1); // the node's head object, with its headers, goes on
        client.write(nodeHead, client.voidPromise());
    }

    private boolean mayHaveBody(HttpResponseStatus status) {
        int code = status.code();
        return !head && code >= 200 && code != 204 && code != 304;
    }

    /** Writes a piece of the node's response body to the client (takes ownership). */
    void deliverContent(NodeAttempt from, HttpContent content, boolean last) {
        if (phase != Phase.DELIVERING) {
            content.release();
            return;
        }
        if (last) {
            attempt = null;
            complete(content, from.target().label());
            return;
        }
        deliveredBytes += content.content().readableBytes();
        client.writeAndFlush(content, client.voidPromise());
        if (!client.channel().isWritable()) {
            from.pauseReading(); // resumed by clientWritable()
        }
    }

    /** The node connection broke while its answer was being streamed: the client's status line is out. */
    void deliveryBroken(NodeAttempt from, String why) {
        log.warn("the answer of {} to {} {} broke off after its status line ({}) and {} body bytes: {};"
                + " closing the client connection", from.target().label(), request.method(), request.uri(), status,
                deliveredBytes, why);
        attempt = null;
        finish(from.target().label());
        client.close();
    }

    @Override
    public void clientWritable() {
        if (attempt != null && client.channel().isWritable()) {
            attempt.resumeReading();
        }
    }

    @Override
    public void clientGone() {
        if (phase != Phase.DONE) {
            if (attempt != null) {
                attempt.abort();
                attempt = null;
            }
            finish(ProxyMetrics.PROXY);
        }
    }

    private void reply(FullHttpResponse response) {
        if (phase == Phase.DONE) {
            response.release();
            return;
        }
        if (phase == Phase.DELIVERING) { // a head is out already: the only way to tell the client is to close
            response.release();
            finish(ProxyMetrics.PROXY);
            client.close();
            return;
        }
        status = response.status().code();
        if (!clientKeepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        complete(response, ProxyMetrics.PROXY);
    }

    /** Writes the answer's last piece and ends the exchange; the connection closes after it unless kept alive. */
    private void complete(Object last, String servedBy) {
        if (clientKeepAlive) {
            client.writeAndFlush(last, client.voidPromise());
        } else {
            client.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
        }
        finish(servedBy);
    }

    private void finish(String servedBy) {
        if (phase == Phase.DONE) {
            return;
        }
        phase = Phase.DONE;
        cancelBackoff();
        loop.stopWaiting(this);
        body.release();
        forwarder.metrics().answered(servedBy, status, forwarder.nanoTime() - request.startNanos());
        forwarder.exchangeEnded();
        frontend.exchangeDone(this);
    }

    private void cancelBackoff() {
        if (backoff != null) {
            backoff.cancel(false);
            backoff = null;
        }
    }
}
