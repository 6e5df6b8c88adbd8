package dtable.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.proxy.ProxySettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Plain GETs forwarded as bytes (docs/proxy.md), on embedded channels and one manual clock: the client connection
 * runs {@link ByteForwardingHandler}, the HTTP server codec and {@link ForwardingChannelHandler} as in the proxy;
 * node connections are embedded channels ending in the real {@link NodeChannels.NodeChannelHandler}, without codec
 * for the byte path and with Netty's client codec for the codec path, so every node here speaks bytes.
 */
class ByteForwardingTest {

    private static final String BASE = "a3c1e0d2-5b6f-4e8a-9c0d-112233445566";
    private static final Bucket BUCKET = Bucket.of("a3");
    private static final String PATH = "/api/v1/dtables/" + BASE + "/rows/?table_name=T";
    private static final Duration RESPONSE_TIMEOUT = Duration.ofMillis(300);
    private static final Duration BUDGET = Duration.ofMillis(1000);
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-Dtable-Node: node-1\r\n\r\n{\"rows\":[]}";

    private final ManualTime time = new ManualTime(this::channels);
    private final ManualTable table = new ManualTable();
    /** Node connections without codec (the byte path), in the order dialed. */
    private final List<EmbeddedChannel> byteNodes = new ArrayList<>();
    /** Node connections with the HTTP client codec (the codec path), in the order dialed. */
    private final List<EmbeddedChannel> codecNodes = new ArrayList<>();
    /** What the codec path passed on to Spring (requests that are not the forwarder's). */
    private final List<Object> passedOn = new ArrayList<>();
    private final List<String> refusalsReported = new CopyOnWriteArrayList<>();
    private boolean refuse;
    private Forwarder forwarder;
    private EmbeddedChannel client;

    @BeforeEach
    void setUp() {
        ProxySettings settings = ManualTime.settings(RESPONSE_TIMEOUT);
        table.set(mapOwnedBy("node-1"));
        forwarder = time.forwarder(table, settings, BUDGET);
        forwarder.onConnectFailure((node, cause) -> refusalsReported.add(node));
        ForwardingChannelHandler forwarding = new ForwardingChannelHandler(forwarder);
        client = EmbeddedChannel.builder().ticker(time.clock).handlers(new ByteForwardingHandler(forwarder, forwarding),
                new HttpServerCodec(), forwarding, new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        passedOn.add(msg);
                        ReferenceCountUtil.release(msg);
                    }
                }).build();
        forwarder.adopt(client.eventLoop(),
                time.nodeChannels(client, settings, () -> refuse, codecNodes, new HttpClientCodec()),
                time.nodeChannels(client, settings, () -> refuse, byteNodes));
    }

    @AfterEach
    void tearDown() {
        client.finishAndReleaseAll();
        byteNodes.forEach(EmbeddedChannel::finishAndReleaseAll);
        codecNodes.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    // ---- the byte path ------------------------------------------------------------------------

    @Test
    void aPlainGetGoesToTheOwnerAsBytesWithTheForwardingHeadersAndItsAnswerComesBackAsItWas() {
        send("GET " + PATH + " HTTP/1.1\r\nHost: proxy.example\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n"
                + "X-Request-Id: r1\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n");

        String request = sentTo(onlyByteNode());
        assertThat(request).startsWith("GET " + PATH + " HTTP/1.1\r\n").endsWith("\r\n\r\n")
                .contains("X-Request-Id: r1\r\n", "host: 127.0.0.1:9001\r\n", "x-forwarded-for: 10.0.0.1\r\n",
                        "x-forwarded-proto: http\r\n", "x-forwarded-host: proxy.example\r\n")
                .doesNotContainIgnoringCase("connection").doesNotContainIgnoringCase("keep-alive")
                .doesNotContain("Host: proxy.example");

        answer(onlyByteNode(), "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nConnection: keep-alive\r\n"
                + "Keep-Alive: timeout=60\r\nX-Dtable-Node: node-1\r\n\r\n{\"rows\":[]}");
        assertThat(received()).isEqualTo(OK);
        assertThat(forwarder.forwardedAsBytes()).isEqualTo(1);
        assertThat(forwarder.activeExchanges()).isZero();

        send("GET " + PATH + " HTTP/1.1\r\nHost: proxy.example\r\n\r\n");
        assertThat(byteNodes).hasSize(1); // the connection came back to the pool and is used again
        assertThat(sentTo(onlyByteNode())).startsWith("GET " + PATH);
        answer(onlyByteNode(), OK);
        assertThat(received()).isEqualTo(OK);
        assertThat(codecNodes).isEmpty();
    }

    @Test
    void aChunkedAnswerInPiecesIsPassedOnAsItArrivesAndTheConnectionIsKept() {
        send(get());
        String answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;ext=1\r\nrows\r\n3\r\n...\r\n0\r\nX-Trailer: t\r\n\r\n";
        EmbeddedChannel node = onlyByteNode();
        sentTo(node);
        for (int i = 0; i < answer.length(); i++) {
            node.writeInbound(Unpooled.copiedBuffer(answer.substring(i, i + 1), StandardCharsets.US_ASCII));
            time.settle();
        }
        assertThat(received()).isEqualTo(answer);
        assertThat(forwarder.activeExchanges()).isZero(); // the end of the chunks was found
        assertThat(node.isActive()).isTrue();

        send(get());
        assertThat(byteNodes).hasSize(1);
        assertThat(sentTo(node)).startsWith("GET " + PATH);
    }

    @Test
    void aRequestArrivingInPiecesIsForwardedOnceItsHeadIsComplete() {
        String request = get();
        client.writeInbound(Unpooled.copiedBuffer(request.substring(0, 20), StandardCharsets.US_ASCII));
        time.settle();
        assertThat(byteNodes).isEmpty();

        send(request.substring(20));
        answer(onlyByteNode(), OK);
        assertThat(received()).isEqualTo(OK);
    }

    // ---- handed to the codec path -------------------------------------------------------------

    @Test
    void aNode503HandsTheGetToTheCodecPathWhichRetriesAfterTheBackoff() {
        send(get());
        sentTo(onlyByteNode());
        answer(onlyByteNode(), "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n\r\n{}");
        assertThat(received()).isEmpty();
        assertThat(onlyByteNode().isActive()).isFalse(); // the rest of a refusal is not worth reading

        time.pass(Duration.ofMillis(49));
        assertThat(codecNodes).isEmpty();
        time.pass(Duration.ofMillis(1)); // the first backoff, as after the codec path's own 503
        assertThat(sentTo(onlyCodecNode())).startsWith("GET " + PATH + " HTTP/1.1\r\n");
        answer(onlyCodecNode(), OK);

        assertThat(received()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("{\"rows\":[]}");
        assertThat(forwarder.activeExchanges()).isZero();
    }

    @Test
    void aGetWithoutAnAnswerInTimeIsRetriedOnTheCodecPathWithoutWaitingTwice() {
        send(get());
        time.pass(RESPONSE_TIMEOUT.minusMillis(1));
        assertThat(onlyByteNode().isActive()).isTrue();
        time.pass(Duration.ofMillis(1));
        assertThat(onlyByteNode().isActive()).isFalse();

        time.pass(Duration.ofMillis(50)); // the backoff after a timeout, not a second response timeout
        sentTo(onlyCodecNode());
        answer(onlyCodecNode(), OK);
        assertThat(received()).startsWith("HTTP/1.1 200 OK\r\n");
    }

    @Test
    void refusedConnectsAreReportedAndEndIn503WhenTheBudgetIsSpent() {
        refuse = true;
        send(get());
        assertThat(refusalsReported).first().isEqualTo("node-1");
        time.pass(BUDGET.minusMillis(1));
        assertThat(received()).isEmpty();

        time.pass(Duration.ofMillis(1));
        assertThat(received()).startsWith("HTTP/1.1 503 ").contains("base_unavailable", "cannot reach node-1");
    }

    @Test
    void anAnswerThatEndsOnlyWhenTheNodeClosesIsFetchedAgainOnTheCodecPath() {
        send(get());
        sentTo(onlyByteNode());
        answer(onlyByteNode(), "HTTP/1.1 200 OK\r\n\r\n{\"rows\":[]}");
        assertThat(received()).isEmpty();

        sentTo(onlyCodecNode()); // at once: nothing failed, the codec path frames such answers itself
        answer(onlyCodecNode(), OK);
        assertThat(received()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("{\"rows\":[]}");
    }

    @Test
    void aGetWhoseBucketHasNoOwnerWaitsOnTheCodecPath() {
        table.set(BucketMap.empty());
        send(get());
        assertThat(byteNodes).isEmpty();

        table.set(mapOwnedBy("node-2"));
        client.runPendingTasks();
        assertThat(sentTo(onlyCodecNode())).contains("host: 127.0.0.1:9002");
        assertThat(forwarder.forwardedAsBytes()).isZero();
    }

    // ---- order and framing on one connection --------------------------------------------------

    @Test
    void pipelinedRequestsAreAnsweredInOrderWhicheverPathTheyTake() {
        send(get() + "POST " + PATH + " HTTP/1.1\r\nHost: p\r\nContent-Length: 7\r\n\r\n{\"x\":1}" + get());
        assertThat(codecNodes).isEmpty(); // the POST waits for the first GET's answer
        answer(onlyByteNode(), OK.replace("node-1", "first"));

        String post = sentTo(onlyCodecNode());
        assertThat(post).startsWith("POST " + PATH).endsWith("{\"x\":1}");
        answer(onlyCodecNode(), OK.replace("node-1", "second"));
        assertThat(byteNodes).hasSize(1);

        answer(onlyByteNode(), OK.replace("node-1", "third"));
        String answers = received();
        assertThat(answers.indexOf("first")).isLessThan(answers.indexOf("second"));
        assertThat(answers.indexOf("second")).isLessThan(answers.indexOf("third"));
        assertThat(forwarder.forwardedAsBytes()).isEqualTo(2);
    }

    @Test
    void aChunkedUploadTurnsTheConnectionOverToTheCodec() {
        send("POST " + PATH + " HTTP/1.1\r\nHost: p\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
        assertThat(sentTo(onlyCodecNode())).startsWith("POST ").contains("{}");
        answer(onlyCodecNode(), OK);
        received();

        send(get());
        assertThat(byteNodes).isEmpty();
        assertThat(sentTo(onlyCodecNode())).startsWith("GET ");
    }

    @Test
    void requestsThatAreNotTheForwardersPassOnToSpringUnchanged() {
        send("GET /ping/ HTTP/1.1\r\nHost: p\r\n\r\n");
        assertThat(passedOn).hasSize(2); // the head and its (empty) last content
        assertThat(byteNodes).isEmpty();
        assertThat(codecNodes).isEmpty();
    }

    @Test
    void aBadUuidIsAnsweredByTheCodecPath() {
        send("GET /api/v1/dtables/not-a-uuid/rows/ HTTP/1.1\r\nHost: p\r\n\r\n");
        assertThat(received()).startsWith("HTTP/1.1 400 ").contains("invalid_dtable_uuid");
        assertThat(forwarder.forwardedAsBytes()).isZero();
    }

    // ---- endings ------------------------------------------------------------------------------

    @Test
    void anAnswerThatBreaksOffClosesTheClientConnection() {
        send(get());
        sentTo(onlyByteNode());
        answer(onlyByteNode(), "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"rows\":");
        assertThat(received()).startsWith("HTTP/1.1 200 OK\r\n");

        onlyByteNode().close();
        time.settle();
        assertThat(client.isActive()).isFalse();
        assertThat(forwarder.activeExchanges()).isZero();
    }

    @Test
    void aClientThatGoesAwayTakesItsNodeConnectionWithIt() {
        send(get());
        assertThat(forwarder.activeExchanges()).isOne();

        client.close();
        time.settle();
        assertThat(onlyByteNode().isActive()).isFalse();
        assertThat(forwarder.activeExchanges()).isZero();
    }

    @Test
    void whileTheProxyDrainsANewGetIsRefusedByTheCodecPath() throws InterruptedException {
        assertThat(forwarder.drain(Duration.ZERO)).isTrue();
        send(get());
        assertThat(received()).startsWith("HTTP/1.1 503 ").contains("shutting_down");
        assertThat(byteNodes).isEmpty();
    }

    // ---- the harness --------------------------------------------------------------------------

    /** The client connection first, then every node connection dialed. */
    private List<EmbeddedChannel> channels() {
        List<EmbeddedChannel> all = new ArrayList<>(List.of(client));
        all.addAll(byteNodes);
        all.addAll(codecNodes);
        return all;
    }

    private static BucketMap mapOwnedBy(String nodeId) {
        return ManualTable.ownedBy(BUCKET, nodeId, null);
    }

    private static String get() {
        return "GET " + PATH + " HTTP/1.1\r\nHost: proxy.example\r\n\r\n";
    }

    private void send(String bytes) {
        client.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
        time.settle();
    }

    private void answer(EmbeddedChannel node, String bytes) {
        node.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
        time.settle();
    }

    /** Everything written to {@code channel} so far, as text. */
    private static String sentTo(EmbeddedChannel channel) {
        StringBuilder text = new StringBuilder();
        Object piece;
        while ((piece = channel.readOutbound()) != null) {
            if (piece instanceof ByteBuf bytes) {
                text.append(bytes.toString(StandardCharsets.US_ASCII));
            }
            ReferenceCountUtil.release(piece);
        }
        return text.toString();
    }

    private String received() {
        return sentTo(client);
    }

    private EmbeddedChannel onlyByteNode() {
        assertThat(byteNodes).hasSize(1);
        return byteNodes.get(0);
    }

    private EmbeddedChannel onlyCodecNode() {
        assertThat(codecNodes).hasSize(1);
        return codecNodes.get(0);
    }


}
