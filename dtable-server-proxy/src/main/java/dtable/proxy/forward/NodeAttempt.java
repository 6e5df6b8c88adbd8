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

    private final Exchange exchange;
    private final NodeChannels channels;
    private final Channel node;
    private final Target target;
    private final Duration responseTimeout;

    private boolean sent;
    private boolean responded;
    private boolean draining;
    private boolean delivering;
    private boolean done;
    private boolean timedOut;
    private boolean nodeKeepAlive;
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

    /**
     * Writes the request head and body. For a safe request (which may be repeated anyway) the
     * response timer starts now; otherwise once the last byte is written, so that "sent" is exact.
     */
    void send(ForwardedRequest request, RequestBody body) {
        NodeChannels.NodeChannelHandler.of(node).attempt = this;
        node.write(request.headFor(target), node.voidPromise());
        if (exchange.isSafe()) {
            sent = true;
            startTimer();
            body.writeTo(node, null);
        } else {
            body.writeTo(node, this::written);
        }
    }

    private void written(io.netty.util.concurrent.Future<? super Void> write) {
        if (!write.isSuccess() || done) {
            return; // the connection's closing reports the failure
        }
        sent = true;
        startTimer();
    }

    private void startTimer() {
        if (!responded && responseTimer == null) {
            responseTimer = node.eventLoop().schedule(this::timeOut, responseTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void timeOut() {
        if (!done && !responded) {
            timedOut = true;
            node.close(); // reported through channelInactive as a timeout
        }
    }

    /** The node's response head. */
    void onResponse(HttpResponse head) {
        if (done) {
            return;
        }
        responded = true;
        cancelTimer();
        int status = head.status().code();
        nodeKeepAlive = HttpUtil.isKeepAlive(head);
        if (target.retryOn(status) && exchange.bodyReplayable()) {
            draining = true; // read the answer to its end so the connection can be reused
            Reason reason = target.stale() ? Reason.UNAVAILABLE : status == 307 ? Reason.MOVED : Reason.UNAVAILABLE;
            drainFailure = new Failure(reason, target.label() + " answered " + status);
        } else {
            delivering = true;
            exchange.deliverHead(this, head);
        }
    }

    /** A piece of the node's response body (takes ownership). */
    void onContent(HttpContent content) {
        if (done) {
            content.release();
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (draining) {
            content.release();
            if (last) {
                done = true;
                release();
                exchange.attemptFailed(this, drainFailure);
            }
        } else if (delivering) {
            if (last) {
                done = true;
                release();
            }
            exchange.deliverContent(this, content, last);
        } else {
            content.release();
        }
    }

    /** The node connection closed or failed ({@code cause} null when it just closed). */
    void onBroken(Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        cancelTimer();
        NodeChannels.NodeChannelHandler.of(node).attempt = null;
        node.close();
        if (delivering) {
            exchange.deliveryBroken(this, cause == null ? "closed by the node" : describe(cause));
            return;
        }
        Outcome outcome = classify(cause);
        if (outcome instanceof Outcome.Retry retry) {
            exchange.attemptFailed(this, retry.failure());
        } else if (outcome instanceof Outcome.Fail fail) {
            exchange.attemptFatal(this, fail);
        }
    }

    private Outcome classify(Throwable cause) {
        String node = target.label();
        boolean safe = exchange.isSafe();
        if (timedOut) {
            if (safe || !sent) {
                return new Outcome.Retry(new Failure(Reason.TIMEOUT, node + " did not answer within "
                        + responseTimeout.toMillis() + " ms"));
            }
            return new Outcome.Fail(504, "gateway_timeout", node + " did not answer within "
                    + responseTimeout.toMillis() + " ms; the request may or may not have been applied");
        }
        String why = cause == null ? "closed by the node" : describe(cause);
        if (safe || !sent) {
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
        if (!done) {
            node.config().setAutoRead(true);
        }
    }

    /** The node can take more of a streamed request body. */
    void nodeWritable() {
        exchange.nodeWritable();
    }

    /** The client went away: drop the node connection, it is mid-exchange. */
    void abort() {
        if (!done) {
            done = true;
            cancelTimer();
            NodeChannels.NodeChannelHandler.of(node).attempt = null;
            node.close();
        }
    }

    /** Back to the pool, reusable only when both sides finished a keep-alive exchange. */
    private void release() {
        cancelTimer();
        channels.release(target.address(), node, nodeKeepAlive && sent);
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
