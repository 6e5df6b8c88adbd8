package dtable.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.BaseUuid;
import dtable.testsupport.EtcdExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The proxy as the gateway of SeaTable's clients (SPEC §9), with a real etcd and fake nodes:
 * {@code /api-gateway/api/v2/...} goes by the base in the path, socket.io by its {@code dtable_uuid}
 * query; Engine.IO requests are not repeated once a node may have seen them; WebSocket upgrades are
 * tunnelled byte for byte, end when the node ends them, and a refused upgrade is passed on.
 */
@Tag("integration")
class GatewayIntegrationTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Bucket 3a → node-a, 3b → node-b, 3c → the WebSocket node, 3d → a node that resets, 3e → nobody. */
    private static final BaseUuid ON_A = BaseUuid.parse("3a000000-0000-4000-8000-000000000001");
    private static final BaseUuid ON_B = BaseUuid.parse("3b000000-0000-4000-8000-000000000002");
    private static final BaseUuid ON_WS = BaseUuid.parse("3c000000-0000-4000-8000-000000000003");
    private static final BaseUuid ON_RESET = BaseUuid.parse("3d000000-0000-4000-8000-000000000004");
    private static final BaseUuid NO_OWNER = BaseUuid.parse("3e000000-0000-4000-8000-000000000005");

    private static final FakeNode A = FakeNode.start("node-a");
    private static final FakeNode B = FakeNode.start("node-b");
    private static WebSocketNode ws;
    private static ResettingNode resetting;
    private static ProxyHarness proxy;

    @BeforeAll
    static void startProxy() throws IOException {
        ws = new WebSocketNode("node-ws");
        resetting = new ResettingNode("node-reset", call -> true);
        proxy = ProxyHarness.start(etcd.endpoints(), "/gateway-test/", Duration.ofSeconds(2), Optional.empty());
        proxy.own(A.info(), ON_A.bucket());
        proxy.own(B.info(), ON_B.bucket());
        proxy.own(ws.info(), ON_WS.bucket());
        proxy.own(resetting.info(), ON_RESET.bucket());
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        A.close();
        B.close();
        ws.close();
        resetting.close();
    }

    @Test
    void apiGatewayPathsGoToTheBaseOwnerWithTheirPathAndQuery() throws Exception {
        String path = "/api-gateway/api/v2/dtables/" + ON_B + "/rows/?table_name=Table%201&limit=5";
        JsonNode echoed = JSON.readTree(get(path).body());
        assertThat(echoed.path("node").asString()).isEqualTo("node-b");
        assertThat(echoed.path("uri").asString()).isEqualTo(path);

        HttpResponse<String> bad = get("/api-gateway/api/v2/dtables/not-a-base/rows/");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("invalid_dtable_uuid");
        assertThat(get("/api-gateway/unknown/").statusCode()).isEqualTo(404);
    }

    @Test
    void socketIoPollingGoesToTheOwnerOfItsDtableUuid() throws Exception {
        for (String prefix : new String[] {"/api-gateway/socket.io/", "/socket.io/"}) {
            String toA = prefix + "?dtable_uuid=" + ON_A + "&lang=en&EIO=4&transport=polling&t=abc";
            assertThat(JSON.readTree(get(toA).body()).path("node").asString()).isEqualTo("node-a");
            String toB = prefix + "?dtable_uuid=" + ON_B.compact() + "&EIO=4&transport=polling&sid=s1";
            HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(proxy.uri(toB))
                    .POST(HttpRequest.BodyPublishers.ofString("42[\"join-room\"]")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode echoed = JSON.readTree(posted.body());
            assertThat(echoed.path("node").asString()).isEqualTo("node-b");
            assertThat(echoed.path("method").asString()).isEqualTo("POST");
            assertThat(echoed.path("uri").asString()).isEqualTo(toB);
        }
        HttpResponse<String> missing = get("/socket.io/?EIO=4&transport=polling");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(missing.body()).path("error_type").asString()).isEqualTo("missing_dtable_uuid");
        HttpResponse<String> invalid = get("/api-gateway/socket.io/?EIO=4&dtable_uuid=zzz");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(invalid.body()).path("error_type").asString()).isEqualTo("invalid_dtable_uuid");
    }

    @Test
    void engineIoRequestsAreNotRepeatedOnceTheNodeMayHaveSeenThem() throws Exception {
        int before = resetting.calls();
        String post = "/api-gateway/socket.io/?dtable_uuid=" + ON_RESET + "&EIO=4&transport=polling&sid=s2";
        HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(proxy.uri(post))
                .POST(HttpRequest.BodyPublishers.ofString("42[\"update-dtable\"]")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(502);
        // a polling GET hands buffered packets out with its answer: a lost answer must not be asked for again
        HttpResponse<String> polled = get("/api-gateway/socket.io/?dtable_uuid=" + ON_RESET
                + "&EIO=4&transport=polling&sid=s2");
        assertThat(polled.statusCode()).isEqualTo(502);
        assertThat(resetting.calls() - before).isEqualTo(2);
    }

    @Test
    void webSocketUpgradeIsTunnelledUntilTheNodeClosesIt() throws Exception {
        String target = "/api-gateway/socket.io/?dtable_uuid=" + ON_WS + "&EIO=4&transport=websocket&sid=abc";
        try (Socket socket = upgrade(target, "dGhlIHNhbXBsZSBub25jZQ==")) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String head = WebSocketNode.readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101");
            assertThat(WebSocketNode.header(head, "sec-websocket-accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");

            String seen = ws.heads().getLast();
            assertThat(seen).startsWith("GET " + target + " HTTP/1.1\r\n");
            assertThat(WebSocketNode.header(seen, "host")).isEqualTo(ws.info().localNodeUrl()
                    .replace("http://", "").replace("/", ""));
            assertThat(WebSocketNode.header(seen, "upgrade")).isEqualTo("websocket");
            assertThat(WebSocketNode.header(seen, "sec-websocket-key")).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
            assertThat(WebSocketNode.header(seen, "x-forwarded-for")).isEqualTo("127.0.0.1");

            byte[] big = new byte[300_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31);
            }
            out.write(big);
            out.flush();
            assertThat(in.readNBytes(big.length)).isEqualTo(big);
            out.write("2probe".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(new String(in.readNBytes(6), StandardCharsets.US_ASCII)).isEqualTo("2probe");

            ws.dropConnections(); // the base left the node: its transport closes, so does the client's
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aRefusedUpgradeIsPassedOnAndTheConnectionEnds() throws Exception {
        String target = "/socket.io/?dtable_uuid=" + ON_WS + "&EIO=4&transport=websocket&sid=unknown";
        try (Socket socket = upgrade(target, "x3JJHMbDL1EzLkh9GBhXDw==")) {
            InputStream in = socket.getInputStream();
            String head = WebSocketNode.readHead(in);
            assertThat(head).startsWith("HTTP/1.1 400");
            byte[] body = in.readNBytes(WebSocketNode.UNKNOWN_SID_BODY.length());
            assertThat(new String(body, StandardCharsets.US_ASCII)).isEqualTo(WebSocketNode.UNKNOWN_SID_BODY);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void anUpgradeForABaseWithoutOwnerGets503() throws Exception {
        String target = "/socket.io/?dtable_uuid=" + NO_OWNER + "&EIO=4&transport=websocket";
        try (Socket socket = upgrade(target, "x3JJHMbDL1EzLkh9GBhXDw==")) {
            String head = WebSocketNode.readHead(socket.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 503");
        }
    }

    /** A raw connection to the proxy that has sent a WebSocket upgrade for {@code target}; reads time out after 10 s. */
    private static Socket upgrade(String target, String key) throws IOException {
        Socket socket = new Socket("127.0.0.1", proxy.port());
        socket.setSoTimeout(10_000);
        String request = "GET " + target + " HTTP/1.1\r\nHost: gateway.example\r\nConnection: Upgrade\r\n"
                + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key + "\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(proxy.uri(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
