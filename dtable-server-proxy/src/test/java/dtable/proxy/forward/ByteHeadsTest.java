package dtable.proxy.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The byte-level readers of the byte path: which client requests are plain GETs ({@link RequestHead}), which node
 * answers can be passed on as bytes ({@link ResponseHead}), and where a chunked body ends ({@link ChunkedBody}).
 */
class ByteHeadsTest {

    private static final String PATH = "/api/v1/dtables/a3c1e0d2-5b6f-4e8a-9c0d-112233445566/rows/";
    private static final NodeAddress NODE = NodeAddress.parse("http://10.0.0.5:5000/prefix/");

    // ---- requests -----------------------------------------------------------------------------

    @Test
    void aPlainGetIsRecognisedAndItsNodeHeadKeepsEndToEndFieldsOnly() {
        RequestHead head = new RequestHead();
        String request = "GET " + PATH + "?a=1 HTTP/1.1\r\nHost: cloud.example\r\nAccept: */*\r\nTE: trailers\r\n"
                + "Connection: Keep-Alive\r\nProxy-Authorization: x\r\nX-Forwarded-Proto: https\r\n\r\n";
        ByteBuf in = bytes(request + "GET /next");

        assertThat(head.parse(in)).isEqualTo(RequestHead.Kind.PLAIN_GET);
        assertThat(head.length()).isEqualTo(request.length());
        assertThat(head.uri()).isEqualTo(PATH + "?a=1");
        ByteBuf out = head.nodeHead(ByteBufAllocator.DEFAULT, NODE, "192.0.2.7", "http");
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("GET /prefix" + PATH + "?a=1 HTTP/1.1\r\n"
                + "Accept: */*\r\nX-Forwarded-Proto: https\r\nhost: 10.0.0.5:5000\r\nx-forwarded-for: 192.0.2.7\r\n"
                + "x-forwarded-host: cloud.example\r\n\r\n");
        out.release();
        in.release();
    }

    @Test
    void aGetWithAnEmptyBodyIsPlainAndItsLengthFieldIsNotForwarded() {
        RequestHead head = new RequestHead();
        ByteBuf in = bytes("GET " + PATH + " HTTP/1.1\r\nContent-Length: 0\r\n\r\n"); // as Java's HttpClient sends
        assertThat(head.parse(in)).isEqualTo(RequestHead.Kind.PLAIN_GET);
        ByteBuf out = head.nodeHead(ByteBufAllocator.DEFAULT, NODE, null, "http");
        assertThat(out.toString(StandardCharsets.US_ASCII)).doesNotContainIgnoringCase("content-length");
        out.release();
        in.release();
    }

    @Test
    void theClientAddressIsAppendedToAnEarlierForwardedFor() {
        RequestHead head = new RequestHead();
        ByteBuf in = bytes("GET " + PATH + " HTTP/1.1\r\nX-Forwarded-For: 198.51.100.1\r\n\r\n");
        assertThat(head.parse(in)).isEqualTo(RequestHead.Kind.PLAIN_GET);
        ByteBuf out = head.nodeHead(ByteBufAllocator.DEFAULT, NODE, "192.0.2.7", "http");
        assertThat(out.toString(StandardCharsets.US_ASCII))
                .contains("x-forwarded-for: 198.51.100.1, 192.0.2.7\r\n", "x-forwarded-proto: http\r\n")
                .doesNotContain("x-forwarded-host"); // no Host to name
        out.release();
        in.release();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET %s HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}", // a GET with a body: the codec's rules
        "GET %s HTTP/1.1\r\nConnection: close\r\n\r\n",  // the connection ends after it
        "GET %s HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
        "GET %s HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET %s HTTP/1.1\r\nX-Forwarded-For: a\r\nX-Forwarded-For: b\r\n\r\n",
        "POST %s HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        "HEAD %s HTTP/1.1\r\n\r\n",
    })
    void otherRequestsOfKnownLengthGoToTheCodec(String template) {
        RequestHead head = new RequestHead();
        String request = template.formatted(PATH);
        ByteBuf in = bytes(request);
        assertThat(head.parse(in)).isEqualTo(RequestHead.Kind.SIZED);
        assertThat(head.length()).isEqualTo(request.length());
        in.release();
    }

    @Test
    void aSizedRequestCountsItsBody() {
        RequestHead head = new RequestHead();
        String request = "PUT " + PATH + " HTTP/1.1\r\ncontent-length: 7\r\n\r\n";
        ByteBuf in = bytes(request + "{\"x\":1}");
        assertThat(head.parse(in)).isEqualTo(RequestHead.Kind.SIZED);
        assertThat(head.length()).isEqualTo(request.length() + 7);
        in.release();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "POST %s HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "GET %s HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        "GET %s HTTP/1.0\r\n\r\n",
        "GET %s HTTP/1.1\nHost: a\n\n",                         // bare LF
        "GET %s HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",        // obs-fold
        "GET %s HTTP/1.1\r\nBad Name: a\r\n\r\n",
        "GET %s HTTP/1.1\r\nX: a\u0001b\r\n\r\n",                 // a control character
        "GET %s HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "POST %s HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        "\r\nGET %s HTTP/1.1\r\n\r\n",                          // an empty line first
        "GET  %s HTTP/1.1\r\n\r\n",
    })
    void requestsOnlyTheCodecCanFrameAreOpaque(String template) {
        RequestHead head = new RequestHead();
        ByteBuf in = bytes(template.formatted(PATH));
        assertThat(head.parse(in)).isEqualTo(RequestHead.Kind.OPAQUE);
        in.release();
    }

    @Test
    void anUnfinishedHeadIsIncompleteUntilItIsTooLong() {
        RequestHead head = new RequestHead();
        ByteBuf in = bytes("GET " + PATH + " HTTP/1.1\r\nHost: a\r\n");
        assertThat(head.parse(in)).isEqualTo(RequestHead.Kind.INCOMPLETE);
        in.writeCharSequence("X: " + "y".repeat(RequestHead.MAX_HEAD) + "\r\n\r\n", StandardCharsets.US_ASCII);
        assertThat(head.parse(in)).isEqualTo(RequestHead.Kind.OPAQUE); // the codec answers what is too long
        in.release();

        ByteBuf longTarget = bytes("GET " + PATH + "?q=" + "x".repeat(RequestHead.MAX_REQUEST_LINE) + " HTTP/1.1\r\n\r\n");
        assertThat(head.parse(longTarget)).isEqualTo(RequestHead.Kind.OPAQUE);
        longTarget.release();
    }

    @Test
    void theByteHeadsKnowTheSameHopByHopFieldsAsTheCodecPath() {
        for (String name : new String[] {"Connection", "KEEP-ALIVE", "proxy-connection", "Proxy-Authenticate",
            "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host", "X-Forwarded-For",
            "Content-Length", "Teapot", "X"}) {
            byte[] bytes = (">" + name).getBytes(StandardCharsets.US_ASCII);
            assertThat(ForwardHeaders.isHopByHop(bytes, 1, name.length())).as(name)
                    .isEqualTo(ForwardHeaders.isHopByHop(name));
        }
    }

    // ---- answers ------------------------------------------------------------------------------

    @Test
    void anAnswerWithALengthLosesItsHopByHopFieldsOnly() {
        ResponseHead head = new ResponseHead();
        String text = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n"
                + "Keep-Alive: timeout=60\r\nContent-Length: 2\r\nX-Dtable-Node: n1\r\n\r\n";
        ByteBuf in = bytes(text + "{}");
        assertThat(head.parse(in)).isEqualTo(ResponseHead.Kind.USABLE);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.length()).isEqualTo(text.length());
        assertThat(head.body()).isEqualTo(ResponseHead.Body.LENGTH);
        assertThat(head.contentLength()).isEqualTo(2);
        assertThat(head.keepAlive()).isTrue();
        ByteBuf out = head.clientHead(ByteBufAllocator.DEFAULT, in, 2);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 OK\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2\r\nX-Dtable-Node: n1\r\n\r\n{}");
        out.release();
        in.release();
    }

    @Test
    void framingAndKeepAliveAreRead() {
        ResponseHead head = new ResponseHead();
        ByteBuf chunked = bytes("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        assertThat(head.parse(chunked)).isEqualTo(ResponseHead.Kind.USABLE);
        assertThat(head.body()).isEqualTo(ResponseHead.Body.CHUNKED);
        assertThat(head.keepAlive()).isFalse();
        chunked.release();

        ByteBuf notModified = bytes("HTTP/1.1 304\r\nContent-Length: 99\r\n\r\n");
        assertThat(head.parse(notModified)).isEqualTo(ResponseHead.Kind.USABLE);
        assertThat(head.body()).isEqualTo(ResponseHead.Body.NONE);
        notModified.release();

        ByteBuf partial = bytes("HTTP/1.1 200 OK\r\nContent-Le");
        assertThat(head.parse(partial)).isEqualTo(ResponseHead.Kind.INCOMPLETE);
        partial.release();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/1.1 200 OK\r\n\r\n",                                        // ends when the node closes
        "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
        "HTTP/1.1 200 OK\r\nConnection: X-Secret\r\nX-Secret: 1\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 2xx OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
    })
    void answersTheCodecPathMustFrameAreUnusable(String text) {
        ByteBuf in = bytes(text);
        assertThat(new ResponseHead().parse(in)).isEqualTo(ResponseHead.Kind.UNUSABLE);
        in.release();
    }

    // ---- chunked bodies -----------------------------------------------------------------------

    @Test
    void theEndOfAChunkedBodyIsFoundWhereverItIsSplit() {
        String body = "1a;name=value\r\n" + "x".repeat(26) + "\r\n3\r\nabc\r\n0\r\nTrailer-One: 1\r\nT2: 2\r\n\r\n";
        ByteBuf in = bytes(body + "HTTP/1.1 next answer");
        for (int split = 0; split <= body.length(); split++) {
            ChunkedBody chunks = new ChunkedBody();
            int first = chunks.scan(in, 0, split);
            int end = first >= 0 ? first : chunks.scan(in, split, in.writerIndex());
            assertThat(end).as("split at %d", split).isEqualTo(body.length());
        }
        in.release();
    }

    @Test
    void aBodyWithoutTrailersEndsAfterTheLastChunk() {
        ByteBuf in = bytes("0\r\n\r\n");
        assertThat(new ChunkedBody().scan(in, 0, in.writerIndex())).isEqualTo(5);
        ByteBuf open = bytes("5\r\nabc");
        assertThat(new ChunkedBody().scan(open, 0, open.writerIndex())).isEqualTo(ChunkedBody.MORE);
        in.release();
        open.release();
    }

    @ParameterizedTest
    @ValueSource(strings = {"x\r\n", "\r\n", "3\r\nabcX", "3\rX", "0\r\n\n"})
    void malformedChunksAreRecognised(String text) {
        ByteBuf in = bytes(text);
        assertThat(new ChunkedBody().scan(in, 0, in.writerIndex())).isEqualTo(ChunkedBody.MALFORMED);
        in.release();
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }
}
