package dtable.server.slave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.core.token.Permission;
import dtable.server.ServerFixture;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real node with {@code worker_threads_rows_limit} 10 and {@code dtable_server_slave_url} at a fake
 * slave: reads of bases over 10 rows are the slave's answers, everything else is the node's; a dead
 * slave means local answers. (The real slave behind a real node is {@code dtable.slave.ClusterReadsIT}.)
 */
@Tag("integration")
class SlaveForwardingIT {

    @RegisterExtension
    static final ServerFixture.OnEtcdAndMariaDb SERVERS = ServerFixture.onEtcdAndMariaDb();

    private static final String NODE = "forward-1";
    private static ServerFixture fixture;
    private static FakeSlave slave;
    private static ServerFixture.InProcessNode node;

    @BeforeAll
    static void setUp() {
        fixture = SERVERS.get();
        slave = new FakeSlave();
        fixture.assignAll(NODE);
        node = startNode();
    }

    private static ServerFixture.InProcessNode startNode() {
        ServerFixture.InProcessNode started = fixture.startInProcess(NODE,
                "\"worker_threads_rows_limit\": 10, \"dtable_server_slave_url\": \"" + slave.url() + "\"");
        await().atMost(Duration.ofSeconds(60)).until(() -> fixture.serves(started.url(), BaseUuid.parse(
                "00000000000000000000000000000000").bucket()) && fixture.serves(started.url(),
                BaseUuid.parse("ffffffffffffffffffffffffffffffff").bucket()));
        return started;
    }

    @AfterAll
    static void tearDown() throws Exception {
        slave.close();
    }

    private static BaseUuid createBase(int rows, String token) {
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        fixture.http().createBase(node.url(), uuid.value(), token == null ? fixture.internalToken() : token, rows);
        return uuid;
    }

    @Test
    void readsOfLargeBasesComeFromTheSlaveSmallBasesAndWritesFromTheNode() {
        BaseUuid large = createBase(11, null);
        BaseUuid small = createBase(10, null);
        String largeToken = fixture.baseToken(large, Permission.READ_WRITE);
        String smallToken = fixture.baseToken(small, Permission.READ_WRITE);
        slave.seen.clear();

        for (String path : new String[] {"/dtables/" + large, "/api/v1/dtables/" + large + "/",
            "/api/v1/dtables/" + large + "/rows/?table_name=Table1&limit=5", "/api/v1/dtables/" + large + "/metadata/",
            "/api/v1/dtables/" + large + "/rows/AAAAAAAAAAAAAAAAAAAAAA/?table_name=Table1"}) {
            HttpResponse<String> read = fixture.send("GET", node.url() + path, largeToken, null);
            assertThat(read.statusCode()).as(path).isEqualTo(200);
            assertThat(read.headers().firstValue("X-Dtable-Node")).as(path).hasValue(FakeSlave.NODE);
            assertThat(read.body()).isEqualTo(slave.body);
        }
        assertThat(slave.seen).hasSize(5);
        assertThat(slave.seen.get(2).uri()).isEqualTo("/api/v1/dtables/" + large + "/rows/?table_name=Table1&limit=5");
        assertThat(slave.seen.get(2).header("Authorization")).isEqualTo("Token " + largeToken);
        slave.seen.clear();

        HttpResponse<String> smallRead = fixture.send("GET", node.url() + "/dtables/" + small, smallToken, null);
        assertThat(smallRead.headers().firstValue("X-Dtable-Node")).hasValue(NODE);
        assertThat(smallRead.body()).contains("\"r9\"");
        HttpResponse<String> write = fixture.send("POST", node.url() + "/api/v1/dtables/" + large + "/rows/", largeToken,
                "{\"table_name\":\"Table1\",\"row\":{\"Name\":\"written\"}}");
        assertThat(write.statusCode()).isEqualTo(200);
        assertThat(write.headers().firstValue("X-Dtable-Node")).hasValue(NODE);
        HttpResponse<String> unauthorized = fixture.send("GET", node.url() + "/dtables/" + large, null, null);
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.headers().firstValue("X-Dtable-Node")).hasValue(NODE);
        HttpResponse<String> forbidden = fixture.send("GET", node.url() + "/dtables/" + large, smallToken, null);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(slave.seen).isEmpty();
    }

    @Test
    void aBaseNotLoadedOnTheOwnerIsForwardedByItsStoredRowCountWithoutLoadingIt() {
        // a base created with 12 rows in its initial document: dtables.row_count = 12 from the start
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            rows.append(i == 0 ? "" : ",").append("{\"_id\":\"row").append(String.format("%019d", i))
                    .append("\",\"0000\":\"n").append(i).append("\"}");
        }
        String initial = "{\"version\":0,\"format_version\":1,\"tables\":[{\"_id\":\"0000\",\"name\":\"Table1\","
                + "\"columns\":[{\"key\":\"0000\",\"name\":\"Name\",\"type\":\"text\"}],\"rows\":[" + rows + "]}]}";
        HttpResponse<String> created = fixture.send("PUT", node.url() + "/api/v1/dtables/" + uuid + "/",
                fixture.internalToken(), initial);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        node.close();
        node = startNode();
        slave.seen.clear();

        HttpResponse<String> read = fixture.send("GET", node.url() + "/dtables/" + uuid,
                fixture.baseToken(uuid, Permission.READ), null);
        assertThat(read.headers().firstValue("X-Dtable-Node")).hasValue(FakeSlave.NODE);
        HttpResponse<String> admin = fixture.send("GET", node.url() + "/api/v1/admin/node/", fixture.internalToken(), null);
        assertThat(admin.body()).doesNotContain(uuid.value());
    }

    @Test
    void whileTheSlaveFailsTheNodeServesLargeBasesItself() {
        BaseUuid large = createBase(15, null);
        String token = fixture.baseToken(large, Permission.READ);
        slave.status = 503;
        try {
            HttpResponse<String> read = fixture.send("GET", node.url() + "/api/v1/dtables/" + large
                    + "/rows/?table_name=Table1", token, null);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.headers().firstValue("X-Dtable-Node")).hasValue(NODE);
            assertThat(read.body()).contains("\"r14\"");
        } finally {
            slave.status = 200;
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.send("GET", node.url() + "/dtables/" + large, token, null)
                .headers().firstValue("X-Dtable-Node").orElse("").equals(FakeSlave.NODE));
    }
}
