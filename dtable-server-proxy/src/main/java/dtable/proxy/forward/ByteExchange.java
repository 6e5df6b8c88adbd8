package dtable.proxy.forward;

import dtable.core.cluster.NodeInfo;
import dtable.proxy.forward.Outcome.Failure;
import dtable.proxy.forward.Outcome.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain GET forwarded as bytes (docs/proxy.md, "Plain GETs as bytes"): its head, rewritten by {@link RequestHead},
 * goes to the owner over a connection of the loop's byte pool, and the answer's bytes go back to the client
 * unchanged but for the hop-by-hop fields of its head ({@link ResponseHead}). No HTTP codec and no message objects
 * on either side.
 *
 * <p>This is only the first attempt of the request. Until the answer's head has arrived and is one the client
 * should get, nothing has been written to the client, and every other outcome hands the request's original bytes
 * to the HTTP codec with what happened ({@link ByteForwardingHandler#fallBack}). The {@link Exchange} made there
 * goes on exactly as after a failed first attempt of its own: a refused connect (reported to the monitor as on
 * that path), a timeout, a lost connection, a {@code 307} or {@code 503}, within the same retry budget, stale reads
 * included. A head this class does not understand makes the codec path send the request again (a GET may be
 * repeated). Once the head is out, a node connection that breaks closes the client connection, as on the codec
 * path.
 *
 * <p>Threads: confined to the client connection's event loop, which also runs its node connections.
 */
final class ByteExchange implements ClientConnectionHandler.ClientExchange {

    private enum Phase { CONNECTING, AWAITING_HEAD, TIMED_OUT, DELIVERING, DONE }

    private static final Logger log = LoggerFactory.getLogger(ByteExchange.class);
    /** A body up to this size that arrived with its head goes out in the head's buffer: one write instead of two. */
    private static final int SMALL_BODY = 2048;

    private final Forwarder forwarder;
    private final NodeChannels channels;
    private final ByteForwardingHandler frontend;
    private final ChannelHandlerContext client;
    private final NodeInfo owner;
    private final NodeAddress address;
    private final String uri;
    private final long startNanos;
    /** The client's request as received, for the codec path if this attempt does not deliver; null once it does. */
    private ByteBuf request;
    /** The head for the node, until it is written. */
    private ByteBuf nodeHead;

    private Phase phase;
    private Channel node;
    private ScheduledFuture<?> responseTimer;
    /** The node's answer head while it arrives in pieces. */
    private ByteBuf partialHead;
    private final ResponseHead head = new ResponseHead();
    private long bodyLeft;
    private ChunkedBody chunks;
    private boolean nodeReusable;
    private long deliveredBytes;

    ByteExchange(Forwarder forwarder, NodeChannels channels, ByteForwardingHandler frontend,
                 ChannelHandlerContext client, NodeInfo owner, NodeAddress address, String uri, ByteBuf request,
                 ByteBuf nodeHead, long startNanos) {
        this.forwarder = forwarder;
        this.channels = channels;
        this.frontend = frontend;
        this.client = client;
        this.owner = owner;
        this.address = address;
        this.uri = uri;
        this.request = request;
        this.nodeHead = nodeHead;
        this.startNanos = startNanos;
    }

    void start() {
        forwarder.exchangeStarted();
        Channel pooled = channels.pooled(address);
        if (pooled != null) {
            send(pooled);
            return;
        }
        phase = Phase.CONNECTING;
        channels.connect(address).addListener((Future<Channel> connected) -> {
            if (phase != Phase.CONNECTING) { // the client went away meanwhile
                if (connected.isSuccess()) {
                    channels.release(address, connected.getNow(), true);
                }
            } else if (connected.isSuccess()) {
                send(connected.getNow());
            } else {
                forwarder.connectFailures.accept(owner.nodeId(), connected.cause()); // RefusalReporter
                fallBack(new Failure(Reason.UNREACHABLE, "cannot reach " + owner.nodeId() + ": "
                        + NodeAttempt.describe(connected.cause())));
            }
        });
    }

    private void send(Channel channel) {
        node = channel;
        phase = Phase.AWAITING_HEAD;
        NodeChannels.NodeChannelHandler.of(channel).bytes = this;
        ByteBuf out = nodeHead;
        nodeHead = null;
        channel.writeAndFlush(out, channel.voidPromise()); // a failed write closes the connection: onNodeClosed
        responseTimer = channel.eventLoop().schedule(this::timeOut,
                forwarder.settings().responseTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void timeOut() {
        if (phase == Phase.AWAITING_HEAD) {
            phase = Phase.TIMED_OUT;
            node.close(); // reported through onNodeClosed
        }
    }

    // ---- the node's answer --------------------------------------------------------------------

    /** Bytes from the node (takes ownership). */
    void onNodeBytes(ByteBuf in) {
        switch (phase) {
            case AWAITING_HEAD -> onHeadBytes(in);
            case DELIVERING -> onBody(in);
            default -> in.release();
        }
    }

    private void onHeadBytes(ByteBuf in) {
        ByteBuf bytes = partialHead == null ? in
                : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(client.alloc(), partialHead, in);
        partialHead = null;
        switch (head.parse(bytes)) {
            case INCOMPLETE -> partialHead = bytes;
            case UNUSABLE -> {
                bytes.release();
                dropNode();
                fallBack(null); // the codec path sends it again and frames whatever this was
            }
            case USABLE -> {
                int status = head.status();
                if (status == 307 || status == 503) { // not applied (SPEC §7): the codec path retries
                    bytes.release();
                    dropNode();
                    fallBack(new Failure(status == 307 ? Reason.MOVED : Reason.UNAVAILABLE,
                            owner.nodeId() + " answered " + status));
                    return;
                }
                deliverHead(bytes);
            }
        }
    }

    private void deliverHead(ByteBuf bytes) {
        cancelTimer();
        phase = Phase.DELIVERING;
        request.release();
        request = null;
        nodeReusable = head.keepAlive();
        switch (head.body()) {
            case LENGTH -> bodyLeft = head.contentLength();
            case CHUNKED -> chunks = new ChunkedBody();
            case NONE -> bodyLeft = 0;
        }
        int following = bytes.readableBytes() - head.length();
        int small = head.body() == ResponseHead.Body.LENGTH && following <= SMALL_BODY
                ? (int) Math.min(following, bodyLeft) : 0;
        client.write(head.clientHead(client.alloc(), bytes, small), client.voidPromise());
        bodyLeft -= small;
        deliveredBytes += small;
        bytes.skipBytes(head.length() + small);
        onBody(bytes);
    }

    /** Body bytes (takes ownership): passed on up to the answer's end, which completes the exchange. */
    private void onBody(ByteBuf in) {
        int readable = in.readableBytes();
        int ours;
        boolean last;
        if (chunks != null) {
            int end = chunks.scan(in, in.readerIndex(), in.writerIndex());
            if (end == ChunkedBody.MALFORMED) {
                in.release();
                dropNode();
                broken("a malformed chunked body");
                return;
            }
            last = end != ChunkedBody.MORE;
            ours = last ? end - in.readerIndex() : readable;
        } else {
            ours = (int) Math.min(bodyLeft, readable);
            bodyLeft -= ours;
            last = bodyLeft == 0;
        }
        if (ours < readable) {
            nodeReusable = false; // the node sent more than its answer
            in.writerIndex(in.readerIndex() + ours);
        }
        deliveredBytes += ours;
        if (ours > 0) {
            client.write(in, client.voidPromise());
        } else {
            in.release();
        }
        client.flush();
        if (last) {
            phase = Phase.DONE;
            channels.release(address, node, nodeReusable);
            finish(owner.nodeId());
        } else if (!client.channel().isWritable()) {
            node.config().setAutoRead(false); // resumed by clientWritable()
        }
    }

    /** The node connection closed or failed ({@code cause} null when it just closed). */
    void onNodeClosed(Throwable cause) {
        Phase was = phase;
        if (was == Phase.DONE) {
            return;
        }
        phase = Phase.DONE;
        cancelTimer();
        releasePartialHead();
        NodeChannels.NodeChannelHandler.of(node).bytes = null;
        node.close();
        String why = cause == null ? "closed by the node" : NodeAttempt.describe(cause);
        switch (was) {
            case TIMED_OUT -> fallBack(new Failure(Reason.TIMEOUT, owner.nodeId() + " did not answer within "
                    + forwarder.settings().responseTimeout().toMillis() + " ms"));
            case DELIVERING -> broken(why);
            default -> fallBack(new Failure(Reason.CONNECTION_LOST, "connection to " + owner.nodeId() + " lost: "
                    + why));
        }
    }

    /** The answer broke off after its head went out: the only way to tell the client is to close. */
    private void broken(String why) {
        log.warn("the answer of {} to GET {} broke off after its head ({}) and {} body bytes: {};"
                + " closing the client connection", owner.nodeId(), uri, head.status(),
                deliveredBytes, why);
        phase = Phase.DONE;
        client.close();
        finish(owner.nodeId());
    }

    // ---- the client ---------------------------------------------------------------------------

    @Override
    public void clientWritable() {
        if (phase == Phase.DELIVERING && client.channel().isWritable()) {
            node.config().setAutoRead(true);
        }
    }

    @Override
    public void clientGone() {
        if (phase == Phase.DONE) {
            return;
        }
        Phase was = phase;
        phase = Phase.DONE;
        cancelTimer();
        releasePartialHead();
        releaseRequest();
        if (was != Phase.CONNECTING) { // a connect still running pools its connection when it completes
            dropNode();
        }
        finish(ProxyMetrics.PROXY);
    }

    // ---- endings ------------------------------------------------------------------------------

    /** Gives the request to the codec path, with why this attempt failed (null: send it again). */
    private void fallBack(Failure failure) {
        phase = Phase.DONE;
        cancelTimer();
        releasePartialHead();
        if (nodeHead != null) {
            nodeHead.release();
            nodeHead = null;
        }
        ByteBuf original = request;
        request = null;
        frontend.fallBack(this, original, new ForwardingChannelHandler.HandOver(startNanos, failure, owner));
        forwarder.exchangeEnded(); // after the codec path's exchange started, so that a drain never sees none
    }

    private void finish(String servedBy) {
        forwarder.metrics().answered(servedBy, head.status(), forwarder.nanoTime() - startNanos);
        forwarder.exchangeEnded();
        frontend.exchangeDone(this);
    }

    private void dropNode() {
        if (node != null) {
            NodeChannels.NodeChannelHandler.of(node).bytes = null;
            node.close();
        }
    }

    private void releasePartialHead() {
        if (partialHead != null) {
            partialHead.release();
            partialHead = null;
        }
    }

    private void releaseRequest() {
        if (request != null) {
            request.release();
            request = null;
        }
        if (nodeHead != null) {
            nodeHead.release();
            nodeHead = null;
        }
    }

    private void cancelTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }
}
