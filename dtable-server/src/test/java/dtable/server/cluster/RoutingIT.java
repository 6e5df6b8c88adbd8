package dtable.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.core.bucket.Bucket;
import dtable.core.token.Permission;
import dtable.server.ServerFixture;
import dtable.server.socket.SocketProbe;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A node serves only its buckets: 307 to the owner elsewhere; losing a bucket unloads its bases and tells sockets. */
@Tag("integration")
class RoutingIT {

    @RegisterExtension
    static final ServerFixture.OnEtcdAndMariaDb SERVERS = ServerFixture.onEtcdAndMariaDb();

    private static ServerFixture fixture;
    private static ServerFixture.InProcessNode nodeA;
    private static ServerFixture.InProcessNode nodeB;

    @BeforeAll
    static void setUp() {
        fixture = SERVERS.get();
        nodeA = fixture.startInProcess("route-a", "");
        nodeB = fixture.startInProcess("route-b", "");
    }

    @Test
    void nonOwnerRedirectsAndBucketLossUnloadsAndTellsSockets() throws Exception {
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        Bucket bucket = uuid.bucket();
        fixture.assign(List.of(bucket), "route-b");
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.serves(nodeB.url(), bucket));
        String token = fixture.baseToken(uuid, Permission.READ_WRITE);
        assertThat(fixture.send("PUT", nodeB.url() + "/api/v1/dtables/" + uuid + "/", token, null).statusCode())
                .isEqualTo(201);

        HttpResponse<String> redirected = fixture.send("GET", nodeA.url() + "/api/v1/dtables/" + uuid
                + "/rows/?table_name=Table1", token, null);
        assertThat(redirected.statusCode()).isEqualTo(307);
        assertThat(redirected.headers().firstValue("Location")).hasValue(nodeB.url() + "/api/v1/dtables/" + uuid
                + "/rows/?table_name=Table1");
        assertThat(redirected.body()).contains("\"error_type\":\"base_moved\"").contains("\"node_id\":\"route-b\"");
        assertThat(redirected.headers().firstValue("X-Dtable-Node")).hasValue("route-a");

        // a socket on B, then the bucket moves to A
        SocketProbe socket = SocketProbe.connect("ws://127.0.0.1:" + nodeB.port() + "/socket/dtables/" + uuid
                + "?token=" + token);
        socket.awaitEvent("joined");

        fixture.assign(List.of(bucket), "route-a");
        assertThat(socket.closeCode(Duration.ofSeconds(30))).isEqualTo(4307);
        assertThat(socket.frames("base-moved")).isNotEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.send("GET", nodeB.url() + "/api/v1/admin/node/",
                fixture.internalToken(), null).body().contains(uuid.value()));

        // A now serves it, with every write B acknowledged
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.serves(nodeA.url(), bucket));
        HttpResponse<String> rows = fixture.send("GET", nodeA.url() + "/api/v1/dtables/" + uuid
                + "/rows/?table_name=Table1", token, null);
        assertThat(rows.statusCode()).isEqualTo(200);
        HttpResponse<String> fromB = fixture.send("GET", nodeB.url() + "/api/v1/dtables/" + uuid + "/", token, null);
        assertThat(fromB.statusCode()).isEqualTo(307);
        socket.close();
    }
}
