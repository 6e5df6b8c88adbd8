package dtable.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.Bucket;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP/1.1 on one client connection, byte by byte: keep-alive reuse across forwarded requests and the
 * proxy's own endpoints, pipelined requests answered in order, {@code Expect: 100-continue}, chunked
 * request bodies, HEAD, HTTP/1.0 clients, and {@code Connection: close}.
 */
@Tag("integration")
class ConnectionHandlingIntegrationTest {

    @RegisterExtension
    static OneNodeProxy cluster = new OneNodeProxy("conn-a", "/connection-test/", Bucket.of("c4"));

    private static final String BASE = "/api/v1/dtables/c4000000-0000-4000-8000-000000000001";

    @Test
    void forwardedRequestsReuseTheConnectionAndPipelinedOnesAreAnsweredInOrder() throws Exception {
        try (RawHttpClient client = new RawHttpClient(cluster.proxy().port())) {
            RawHttpClient.Response first = client.send(get(BASE + "/rows/?n=1")).read();
            RawHttpClient.Response second = client.send(get(BASE + "/rows/?n=2")).read();
            client.send(get(BASE + "/rows/?n=3") + get("/api/v1/dtables/nope/") + get(BASE + "/rows/?n=4"));
            RawHttpClient.Response third = client.read();
            RawHttpClient.Response bad = client.read();
            RawHttpClient.Response fourth = client.read();

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).contains("\"uri\":\"" + BASE + "/rows/?n=1\"");
            assertThat(second.body()).contains("?n=2");
            assertThat(third.body()).contains("?n=3");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(fourth.body()).contains("?n=4");
            assertThat(first.header("connection")).isNull();
        }
    }

    @Test
    void answersOfThePingAndActuatorEndpointsCloseTheConnection() throws Exception {
        try (RawHttpClient client = new RawHttpClient(cluster.proxy().port())) {
            RawHttpClient.Response forwarded = client.send(get(BASE + "/")).read();
            RawHttpClient.Response pong = client.send(get("/ping/")).read();

            assertThat(forwarded.status()).isEqualTo(200);
            assertThat(pong.body()).isEqualTo("pong");
            assertThat(pong.header("connection")).isEqualTo("close");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void expectContinueChunkedBodiesHeadAndHttp10() throws Exception {
        try (RawHttpClient client = new RawHttpClient(cluster.proxy().port())) {
            client.send("POST " + BASE + "/rows/ HTTP/1.1\r\nHost: proxy\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 11\r\nExpect: 100-continue\r\n\r\n");
            RawHttpClient.Response goOn = client.read();
            RawHttpClient.Response posted = client.send("{\"row\":{}}\n").read();

            client.send("PUT " + BASE + "/rows/ HTTP/1.1\r\nHost: proxy\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            RawHttpClient.Response chunked = client.read();
            RawHttpClient.Response head = client.send("HEAD " + BASE + "/ HTTP/1.1\r\nHost: proxy\r\n\r\n").read(true);

            assertThat(goOn.status()).isEqualTo(100);
            assertThat(posted.status()).isEqualTo(200);
            assertThat(posted.body()).contains("\"method\":\"POST\"", "\"body_length\":11");
            assertThat(cluster.node().received().getLast().header("Expect")).isNull();
            assertThat(chunked.body()).contains("\"method\":\"PUT\"", "\"body_length\":11",
                    "\"body_sha256\":\"" + FakeNode.sha256("hello world".getBytes(StandardCharsets.UTF_8)) + "\"");
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("x-dtable-node")).isEqualTo("conn-a");
            RawHttpClient.Response afterHead = client.send(get(BASE + "/rows/?after=head")).read();
            assertThat(afterHead.body()).contains("after=head");
        }
        try (RawHttpClient http10 = new RawHttpClient(cluster.proxy().port())) {
            RawHttpClient.Response old = http10.send("GET " + BASE + "/rows/?v=10 HTTP/1.0\r\nHost: proxy\r\n\r\n").read();
            assertThat(old.status()).isEqualTo(200);
            assertThat(old.body()).contains("v=10");
            assertThat(http10.closedByServer()).isTrue();
        }
    }

    @Test
    void aClientThatAsksForCloseGetsItsAnswerThenTheConnectionCloses() throws Exception {
        try (RawHttpClient client = new RawHttpClient(cluster.proxy().port())) {
            RawHttpClient.Response answer = client.send("GET " + BASE + "/rows/ HTTP/1.1\r\nHost: proxy\r\n"
                    + "Connection: close\r\n\r\n").read();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.header("connection")).isEqualTo("close");
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(cluster.node().received().getLast().header("Connection")).as("hop-by-hop").isNull();
    }

    @Test
    void aChunkedNodeAnswerIsRechunkedForTheClient() throws Exception {
        cluster.node().respond((self, exchange, request, call) -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("part one, ".getBytes(StandardCharsets.UTF_8));
                out.flush();
                out.write("part two".getBytes(StandardCharsets.UTF_8));
            }
        });
        try (RawHttpClient client = new RawHttpClient(cluster.proxy().port())) {
            RawHttpClient.Response answer = client.send(get(BASE + "/stream/")).read();
            RawHttpClient.Response next = client.send(get(BASE + "/stream/")).read();

            assertThat(answer.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(answer.body()).isEqualTo("part one, part two");
            assertThat(next.body()).isEqualTo("part one, part two");
        } finally {
            cluster.node().respond(FakeNode::echo);
        }
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: proxy\r\n\r\n";
    }
}
