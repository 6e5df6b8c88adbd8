package dtable.proxy.forward;

import dtable.proxy.forward.Outcome.Failure;
import dtable.proxy.forward.Outcome.Reason;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One attempt of an {@link Exchange} on one node connection: writes the request, then either streams
 * the node's answer to the client or reports why the exchange may try again.
 *
 * <p>When may an attempt be repeated? When the node answered {@code 307} or {@code 503} (SPEC §7:
 * it applied nothing) while the body can still be replayed, when the connection broke before the
 * whole request was written, or for a safe method in any case. A non-safe request that was written
 * completely and then got no answer may have been applied: it ends in 504 (no answer in time) or 502
 * (connection lost), never in a second delivery.
 *
 * <p>Threads: confined to the event loop shared by the client and the node connection.
 */
final class NodeAttempt {

    /**
     * Where an attempt is. Each event is handled by what the phase allows, so that no late event
     * (a timer firing after the answer, a close after the last piece) can act twice:
     * <pre>
     *  WRITING ──written──► AWAITING_HEAD ──timer──► TIMED_OUT ──closed──► DONE (504 or retry)
     *     │                      │
     *     └──────head────────────┴──► DRAINING (307/503: read to its end) ──last──► DONE (retry)
     *                                 DELIVERING (any other answer)       ──last──► DONE
     *  any phase but DONE ──connection lost──► DONE (retry, 502, or a broken delivery)
     * </pre>
     * A safe request starts in {@code AWAITING_HEAD}: it may be repeated whether or not the node saw it.
     */
    enum Phase {
        /** the request is being written; the node cannot have applied it yet */
        WRITING,
        /** the request is out (or safe): the response timer runs */
        AWAITING_HEAD,
        /** the response timer fired; the connection is closing and its close ends the attempt */
        TIMED_OUT,
        /** the node answered 307/503 (a slave: 5xx): its answer is read to its end, then the exchange retries */
        DRAINING,
        /** any other answer: streamed to the client */
        DELIVERING,
        /** ended; later events are ignored */
        DONE
    }

    private final Exchange exchange;
    private final NodeChannels channels;
    private final Channel node;
    private final Target target;
    private final Duration responseTimeout;

    private Phase phase = Phase.WRITING;
    /** The whole request was written (or it is safe): needed to reuse the connection; independent of the answer. */
    private boolean requestOut;
    /** The node's answer allows keeping the connection. */
    private boolean nodeKeepAlive;
    /** Why the exchange retries, while {@link Phase#DRAINING}. */
    private Failure drainFailure;
    private ScheduledFuture<?> responseTimer;

    NodeAttempt(Exchange exchange, NodeChannels channels, Channel node, Target target, Duration responseTimeout) {
        this.exchange = exchange;
        this.channels = channels;
        this.node = node;
        this.target = target;
        this.responseTimeout = responseTimeout;
    }

    Target target() {
        return target;
    }

    Phase phase() {
        return phase;
    }

    /**
     * Writes the request head and body. For a safe request (which may be repeated anyway) the
     * response timer starts now; otherwise once the last byte is written, so that "sent" is exact.
     */
    void send(ForwardedRequest request, RequestBody body) {
        NodeChannels.NodeChannelHandler.of(node).attempt = this;
        node.write(request.headFor(target), node.voidPromise());
        if (exchange.isSafe()) {
            requestOut();
            body.writeTo(node, null);
        } else {
            body.writeTo(node, this::written);
        }
    }

    private void written(io.netty.util.concurrent.Future<? super Void> write) {
        if (write.isSuccess() && phase != Phase.DONE) {
            requestOut();
        } // else the connection's closing reports the failure
    }

    private void requestOut() {
        requestOut = true;
        if (phase == Phase.WRITING) {
            phase = Phase.AWAITING_HEAD;
            responseTimer = node.eventLoop().schedule(this::timeOut, responseTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void timeOut() {
        if (phase == Phase.AWAITING_HEAD) {
            phase = Phase.TIMED_OUT;
            node.close(); // reported through channelInactive as a timeout
        }
    }

    /** The node's response head. */
    void onResponse(HttpResponse head) {
        if (phase != Phase.WRITING && phase != Phase.AWAITING_HEAD) {
            return;
        }
        cancelTimer();
        int status = head.status().code();
        nodeKeepAlive = HttpUtil.isKeepAlive(head);
        if (target.retryOn(status) && exchange.bodyReplayable()) {
            phase = Phase.DRAINING; // read the answer to its end so the connection can be reused
            Reason reason = !target.stale() && status == 307 ? Reason.MOVED : Reason.UNAVAILABLE;
            drainFailure = new Failure(reason, target.label() + " answered " + status);
        } else {
            phase = Phase.DELIVERING;
            exchange.deliverHead(this, head);
        }
    }

    /** A piece of the node's response body (takes ownership). */
    void onContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        switch (phase) {
            case DRAINING -> {
                content.release();
                if (last) {
                    phase = Phase.DONE;
                    release();
                    exchange.attemptFailed(this, drainFailure);
                }
            }
            case DELIVERING -> {
                if (last) {
                    phase = Phase.DONE;
                    release();
                }
                exchange.deliverContent(this, content, last);
            }
            default -> content.release();
        }
    }

    /** The node connection closed or failed ({@code cause} null when it just closed). */
    void onBroken(Throwable cause) {
        Phase was = phase;
        if (was == Phase.DONE) {
            return;
        }
        phase = Phase.DONE;
        cancelTimer();
        NodeChannels.NodeChannelHandler.of(node).attempt = null;
        node.close();
        String why = cause == null ? "closed by the node" : describe(cause);
        switch (was) {
            case DELIVERING -> exchange.deliveryBroken(this, why);
            // the node said "not applied" already; only the rest of its answer is missing
            case DRAINING -> exchange.attemptFailed(this, drainFailure);
            default -> {
                Outcome outcome = classify(was, why);
                if (outcome instanceof Outcome.Retry retry) {
                    exchange.attemptFailed(this, retry.failure());
                } else if (outcome instanceof Outcome.Fail fail) {
                    exchange.attemptFatal(this, fail);
                }
            }
        }
    }

    /** A connection lost before any answer: retry when the node cannot have applied it or it is safe; else 502/504. */
    private Outcome classify(Phase was, String why) {
        String node = target.label();
        boolean mayRepeat = exchange.isSafe() || !requestOut;
        if (was == Phase.TIMED_OUT) {
            if (mayRepeat) {
                return new Outcome.Retry(new Failure(Reason.TIMEOUT, node + " did not answer within "
                        + responseTimeout.toMillis() + " ms"));
            }
            return new Outcome.Fail(504, "gateway_timeout", node + " did not answer within "
                    + responseTimeout.toMillis() + " ms; the request may or may not have been applied");
        }
        if (mayRepeat) {
            return new Outcome.Retry(new Failure(Reason.CONNECTION_LOST, "connection to " + node + " lost: " + why));
        }
        return new Outcome.Fail(502, "bad_gateway", "connection to " + node + " lost after the request was sent ("
                + why + "); the request may or may not have been applied");
    }

    /** Stops reading the node while the client cannot take more. */
    void pauseReading() {
        node.config().setAutoRead(false);
    }

    void resumeReading() {
        if (phase != Phase.DONE) {
            node.config().setAutoRead(true);
        }
    }

    /** The node can take more of a streamed request body. */
    void nodeWritable() {
        exchange.nodeWritable();
    }

    /** The client went away: drop the node connection, it is mid-exchange. */
    void abort() {
        if (phase != Phase.DONE) {
            phase = Phase.DONE;
            cancelTimer();
            NodeChannels.NodeChannelHandler.of(node).attempt = null;
            node.close();
        }
    }

    /** Back to the pool, reusable only when both sides finished a keep-alive exchange. */
    private void release() {
        cancelTimer();
        channels.release(target.address(), node, nodeKeepAlive && requestOut);
    }

    private void cancelTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }
}
