package dtable.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.proxy.ProxySettings;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The 502, 503 and 504 rules of docs/proxy.md ("Retries across moves") on embedded channels and one
 * manual clock: the client connection runs a {@link ForwardingChannelHandler}, node connections are
 * embedded channels ending in the real {@link NodeChannels.NodeChannelHandler}, and time moves only
 * when a test says so (the response timer, backoffs and the retry budget all read the same ticker).
 */
class ExchangeRulesTest {

    private static final String BASE = "a3c1e0d2-5b6f-4e8a-9c0d-112233445566";
    private static final Bucket BUCKET = Bucket.of("a3");
    private static final String PATH = "/api/v1/dtables/" + BASE + "/rows/?table_name=T";
    private static final Duration RESPONSE_TIMEOUT = Duration.ofMillis(300);
    private static final Duration BUDGET = Duration.ofMillis(1000);

    private final ManualTime time = new ManualTime(this::channels);
    private final ManualTable table = new ManualTable();
    /** Every node connection dialed, in order. */
    private final List<EmbeddedChannel> nodes = new ArrayList<>();
    private boolean refuse;
    private Forwarder forwarder;
    private EmbeddedChannel client;

    @BeforeEach
    void setUp() {
        ProxySettings settings = ManualTime.settings(RESPONSE_TIMEOUT);
        table.set(mapOwnedBy("node-1"));
        forwarder = time.forwarder(table, settings, BUDGET);
        client = EmbeddedChannel.builder().ticker(time.clock).handlers(new ForwardingChannelHandler(forwarder)).build();
        forwarder.adopt(client.eventLoop(), time.nodeChannels(client, settings, () -> refuse, nodes));
    }

    @AfterEach
    void tearDown() {
        client.finishAndReleaseAll();
        nodes.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    // ---- 502: a connection lost after a request that may have been applied ----------------------

    @Test
    void postWhoseConnectionBreaksAfterItWasWrittenGets502AndIsNotRepeated() {
        send(post());
        EmbeddedChannel node = onlyNode();
        assertThat(requestAt(node).method()).isEqualTo(HttpMethod.POST);
        assertThat(bodyAt(node)).isEqualTo("{\"x\":1}");

        node.close();
        time.settle();

        FullHttpResponse answer = answer();
        assertThat(answer.status().code()).isEqualTo(502);
        assertThat(text(answer)).contains("bad_gateway", "may or may not have been applied");
        time.pass(BUDGET); // nothing is retried later either
        assertThat(nodes).hasSize(1);
        answer.release();
    }

    @Test
    void getWhoseConnectionBreaksIsRepeatedOnANewConnection() {
        send(get());
        onlyNode().close();
        time.settle();
        assertThat((Object) client.readOutbound()).isNull();

        time.pass(Duration.ofMillis(50)); // the first backoff: the owner did not change
        assertThat(nodes).hasSize(2);
        EmbeddedChannel second = nodes.get(1);
        assertThat(requestAt(second).uri()).isEqualTo(PATH);
        answerFrom(second, HttpResponseStatus.OK, "{\"rows\":[]}");

        HttpResponse head = client.readOutbound();
        assertThat(head.status().code()).isEqualTo(200);
        assertThat(contentOf(client)).isEqualTo("{\"rows\":[]}");
    }

    @Test
    void aNodeThatClosesWhileItsNotAppliedAnswerIsDrainedIsRetriedEvenForAPost() {
        send(post());
        EmbeddedChannel node = onlyNode();
        node.writeInbound(head(HttpResponseStatus.SERVICE_UNAVAILABLE, 100),
                new DefaultHttpContent(Unpooled.copiedBuffer("{\"error_type\"", StandardCharsets.UTF_8)));
        node.close(); // the answer said "not applied" (SPEC §7) before the connection broke
        time.settle();
        assertThat((Object) client.readOutbound()).isNull();

        time.pass(Duration.ofMillis(50));
        assertThat(nodes).hasSize(2);
        assertThat(bodyAt(nodes.get(1))).isEqualTo("{\"x\":1}");
    }

    // ---- 504: no answer in time ------------------------------------------------------------------

    @Test
    void postWithoutAnAnswerWithinTheResponseTimeoutGets504AndIsNotRepeated() {
        send(post());
        time.pass(RESPONSE_TIMEOUT.minusMillis(1));
        assertThat((Object) client.readOutbound()).isNull();
        assertThat(onlyNode().isActive()).isTrue();

        time.pass(Duration.ofMillis(1));

        FullHttpResponse answer = answer();
        assertThat(answer.status().code()).isEqualTo(504);
        assertThat(text(answer)).contains("gateway_timeout", "may or may not have been applied");
        assertThat(onlyNode().isActive()).isFalse(); // never reused: its late answer must not reach anyone
        time.pass(BUDGET);
        assertThat(nodes).hasSize(1);
        answer.release();
    }

    @Test
    void getWithoutAnAnswerIsRepeatedUntilTheBudgetIsSpentThenGets504() {
        send(get());
        FullHttpResponse answer = null;
        for (int step = 0; answer == null && step < 200; step++) {
            time.pass(Duration.ofMillis(10));
            answer = client.readOutbound();
        }
        assertThat(nodes.size()).isBetween(2, 4); // 300 ms each plus backoffs, within 1000 ms
        assertThat(nodes).allSatisfy(node -> assertThat(requestAt(node).uri()).isEqualTo(PATH));
        assertThat(answer).isNotNull();
        assertThat(answer.status().code()).isEqualTo(504);
        assertThat(text(answer)).contains("gateway_timeout", "within the retry budget of 1000 ms");
        // never answered after the budget plus one response timeout
        assertThat(time.elapsedNanos())
                .isLessThanOrEqualTo(BUDGET.plus(RESPONSE_TIMEOUT).toNanos());
        answer.release();
    }

    // ---- 503: not applied, retried, and only the proxy's own 503 when the budget is spent ---------

    @Test
    void aNode503IsDrainedAndRetriedOnTheSameConnectionAfterTheBackoff() {
        send(post());
        EmbeddedChannel node = onlyNode();
        discardAndAnswer(node, HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"error_type\":\"base_unavailable\"}");
        assertThat((Object) client.readOutbound()).isNull();

        time.pass(Duration.ofMillis(49));
        assertThat((Object) node.readOutbound()).isNull(); // not before the backoff

        time.pass(Duration.ofMillis(1));
        assertThat(nodes).hasSize(1); // the kept-alive connection came back from the pool
        assertThat(bodyAt(node)).isEqualTo("{\"x\":1}");
        answerFrom(node, HttpResponseStatus.OK, "{}");
        assertThat(((HttpResponse) client.readOutbound()).status().code()).isEqualTo(200);
    }

    @Test
    void nodesAnswering503UntilTheBudgetIsSpentGiveTheClient503WithRetryAfter() {
        send(get());
        FullHttpResponse answer = null;
        int attempts = 0;
        for (int step = 0; answer == null && step < 200; step++) {
            EmbeddedChannel node = onlyNode();
            Object request = node.readOutbound();
            if (request != null) {
                attempts++;
                ReferenceCountUtil.release(request);
                discardAndAnswer(node, HttpResponseStatus.SERVICE_UNAVAILABLE, "{}");
            }
            time.pass(Duration.ofMillis(10));
            answer = client.readOutbound();
        }
        assertThat(attempts).isBetween(5, 12); // 50, 100, 200, 200, ... ms within 1000 ms
        assertThat(answer).isNotNull();
        assertThat(answer.status().code()).isEqualTo(503);
        assertThat(answer.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
        assertThat(text(answer)).contains("base_unavailable", "node-1 answered 503");
        answer.release();
    }

    @Test
    void noLiveOwnerWaitsForTheMapAndGoesAtOnceWhenItNamesOne() {
        table.set(BucketMap.empty());
        send(get());
        time.pass(Duration.ofMillis(10));
        assertThat(nodes).isEmpty();

        table.set(mapOwnedBy("node-2"));
        client.runPendingTasks(); // the map change is handed to the loop, without any time passing
        assertThat(nodes).hasSize(1);
        assertThat(requestAt(onlyNode()).headers().get(HttpHeaderNames.HOST)).isEqualTo("127.0.0.1:9002");
    }

    @Test
    void refusedConnectionsUntilTheBudgetIsSpentGive503() {
        refuse = true;
        send(post());
        time.pass(BUDGET.minusMillis(1));
        assertThat((Object) client.readOutbound()).isNull();

        time.pass(Duration.ofMillis(1));

        FullHttpResponse answer = answer();
        assertThat(answer.status().code()).isEqualTo(503);
        assertThat(text(answer)).contains("base_unavailable", "cannot reach node-1");
        answer.release();
    }

    @Test
    void aStreamedBodyCannotBeSentAgainSoANode503IsPassedOn() {
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, PATH);
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
        send(head);
        client.writeInbound(new DefaultHttpContent(Unpooled.copiedBuffer("{\"x\":", StandardCharsets.UTF_8)));
        EmbeddedChannel node = onlyNode();
        node.writeInbound(head(HttpResponseStatus.SERVICE_UNAVAILABLE, 2), new DefaultHttpContent(
                Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8)), LastHttpContent.EMPTY_LAST_CONTENT);

        HttpResponse answer = client.readOutbound();
        assertThat(answer.status().code()).isEqualTo(503);
        assertThat(nodes).hasSize(1);
    }

    // ---- the write port: hot row writes go to the owner's write_url ------------------------------

    @Test
    void aHotWriteGoesToTheOwnersWritePortAndAfterAMoveToTheNewOwnersWritePort() {
        table.set(mapOwnedBy("node-1", "http://127.0.0.1:9101/"));
        send(post());
        assertThat(requestAt(onlyNode()).headers().get(HttpHeaderNames.HOST)).isEqualTo("127.0.0.1:9101");
        discardAndAnswer(onlyNode(), HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"error_type\":\"base_unavailable\"}");

        table.set(mapOwnedBy("node-2", "http://127.0.0.1:9102/"));
        client.runPendingTasks(); // the waiting retry wakes on the map change

        assertThat(nodes).hasSize(2);
        assertThat(requestAt(nodes.get(1)).headers().get(HttpHeaderNames.HOST)).isEqualTo("127.0.0.1:9102");
        assertThat(bodyAt(nodes.get(1))).isEqualTo("{\"x\":1}");
    }

    @Test
    void aHotWriteGoesToTheLocalUrlWhenTheNewOwnerHasNoWritePort() {
        table.set(mapOwnedBy("node-1", "http://127.0.0.1:9101/"));
        send(post());
        discardAndAnswer(onlyNode(), HttpResponseStatus.SERVICE_UNAVAILABLE, "{}");

        table.set(mapOwnedBy("node-2"));
        client.runPendingTasks();

        assertThat(nodes).hasSize(2);
        assertThat(requestAt(nodes.get(1)).headers().get(HttpHeaderNames.HOST)).isEqualTo("127.0.0.1:9002");
    }

    @Test
    void aReadGoesToTheLocalUrlOfAnOwnerWithAWritePort() {
        table.set(mapOwnedBy("node-1", "http://127.0.0.1:9101/"));
        send(get());
        assertThat(requestAt(onlyNode()).headers().get(HttpHeaderNames.HOST)).isEqualTo("127.0.0.1:9001");
    }

    @Test
    void aWriteUrlThatIsNoHttpUrlLeavesHotWritesOnTheLocalUrl() {
        table.set(mapOwnedBy("node-1", "not a url"));
        send(post());
        assertThat(requestAt(onlyNode()).headers().get(HttpHeaderNames.HOST)).isEqualTo("127.0.0.1:9001");
    }

    // ---- the pool: keep-alive node connections and their idle time ------------------------------

    @Test
    void aPooledConnectionIsReusedWithinItsIdleTimeAndClosedAfterIt() {
        send(get());
        EmbeddedChannel first = onlyNode();
        discardAndAnswer(first, HttpResponseStatus.OK, "{}");
        ReferenceCountUtil.release(client.readOutbound());
        client.releaseOutbound();

        time.clock.advance(9_999, TimeUnit.MILLISECONDS); // poolMaxIdleTime is 10 s
        time.settle();
        assertThat(first.isOpen()).isTrue();
        send(get());
        assertThat(nodes).hasSize(1); // reused
        discardAndAnswer(first, HttpResponseStatus.OK, "{}");
        client.releaseOutbound();

        time.pass(Duration.ofMillis(9_999));
        assertThat(first.isOpen()).isTrue();
        time.pass(Duration.ofMillis(2_501)); // idle for 10 s: closed by the next sweep (every 2.5 s)
        assertThat(first.isOpen()).isFalse();
        send(get());
        assertThat(nodes).hasSize(2); // a new connection
    }

    // ---- the harness ----------------------------------------------------------------------------

    /** The client connection first, then every node connection dialed. */
    private List<EmbeddedChannel> channels() {
        List<EmbeddedChannel> all = new ArrayList<>(List.of(client));
        all.addAll(nodes);
        return all;
    }

    private static BucketMap mapOwnedBy(String nodeId) {
        return mapOwnedBy(nodeId, null);
    }

    private static BucketMap mapOwnedBy(String nodeId, String writeUrl) {
        return ManualTable.ownedBy(BUCKET, nodeId, writeUrl);
    }

    private static HttpRequest get() {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, PATH);
    }

    private static HttpRequest post() {
        DefaultFullHttpRequest post = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, PATH,
                Unpooled.copiedBuffer("{\"x\":1}", StandardCharsets.UTF_8));
        post.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 7);
        return post;
    }

    private void send(HttpRequest request) {
        client.writeInbound(request);
        time.settle();
    }



    private EmbeddedChannel onlyNode() {
        assertThat(nodes).hasSize(1);
        return nodes.get(0);
    }

    /** The next request head written to {@code node}. */
    private static HttpRequest requestAt(EmbeddedChannel node) {
        Object request = node.readOutbound();
        assertThat(request).as("a request at the node").isInstanceOf(HttpRequest.class);
        return (HttpRequest) request;
    }

    /** The body pieces written to {@code node} so far. */
    private static String bodyAt(EmbeddedChannel node) {
        StringBuilder body = new StringBuilder();
        Object piece;
        while ((piece = node.readOutbound()) != null) {
            if (piece instanceof HttpRequest) {
                ReferenceCountUtil.release(piece);
                continue;
            }
            body.append(((HttpContent) piece).content().toString(StandardCharsets.UTF_8));
            ReferenceCountUtil.release(piece);
        }
        return body.toString();
    }

    private static void releaseOutbound(EmbeddedChannel node) {
        Object piece;
        while ((piece = node.readOutbound()) != null) {
            ReferenceCountUtil.release(piece);
        }
    }

    private static HttpResponse head(HttpResponseStatus status, int length) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        return head;
    }

    private static void answerFrom(EmbeddedChannel node, HttpResponseStatus status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        node.writeInbound(head(status, bytes.length), new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)),
                LastHttpContent.EMPTY_LAST_CONTENT);
    }

    /** {@code node} drops what it was sent so far (the request is not looked at) and answers it. */
    private static void discardAndAnswer(EmbeddedChannel node, HttpResponseStatus status, String body) {
        releaseOutbound(node);
        answerFrom(node, status, body);
    }

    private FullHttpResponse answer() {
        Object answer = client.readOutbound();
        assertThat(answer).as("the proxy's own answer").isInstanceOf(FullHttpResponse.class);
        return (FullHttpResponse) answer;
    }

    private static String text(FullHttpResponse response) {
        return response.content().toString(StandardCharsets.UTF_8);
    }

    /** The rest of an answer streamed to the client. */
    private static String contentOf(EmbeddedChannel client) {
        StringBuilder body = new StringBuilder();
        Object piece;
        while ((piece = client.readOutbound()) != null) {
            body.append(((HttpContent) piece).content().toString(StandardCharsets.UTF_8));
            ReferenceCountUtil.release(piece);
        }
        return body.toString();
    }
}
