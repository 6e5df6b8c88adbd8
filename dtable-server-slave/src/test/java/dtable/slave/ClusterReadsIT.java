package dtable.slave;

import static dtable.slave.SlaveFixture.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.testsupport.Ports;
import dtable.testsupport.Teardown;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A real dtable-server (child process from its jar) with {@code worker_threads_rows_limit} 10 and
 * {@code dtable_server_slave_url} at a real slave (in this JVM), on one etcd and one MariaDB: reads of
 * bases over 10 rows are answered by the slave, and match what the owner answers itself; writes and
 * small bases stay on the owner; a write the owner acknowledged is in the slave's very next read; with
 * the slave down the owner serves, and forwards again once it is back.
 */
@Tag("integration")
class ClusterReadsIT {

    @RegisterExtension
    static final SlaveFixture fixture = SlaveFixture.onEtcdAndMariaDb();

    private static final String OWNER = "cluster-owner";
    private static final String SLAVE = "cluster-slave";

    private static int slavePort;
    private static SlaveFixture.Slave slave;
    private static OwnerNodeProcess owner;

    @BeforeAll
    static void setUp() throws Exception {
        slavePort = Ports.free();
        OwnerNodeProcess.assignAll(fixture.etcdEndpoints(), OWNER);
        owner = OwnerNodeProcess.start(OWNER, Ports.free(), fixture.etcdEndpoints(), fixture.mysql(),
                "\"worker_threads_rows_limit\": 10, \"dtable_server_slave_url\": \"http://127.0.0.1:" + slavePort + "/\"");
        String internal = fixture.internalToken();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(owner.alive()).as(owner.log()).isTrue();
            try {
                HttpResponse<String> admin = fixture.get(owner.url() + "/api/v1/admin/node/", internal);
                return admin.statusCode() == 200 && JSON.readTree(admin.body()).path("buckets").size() == 256;
            } catch (RuntimeException e) {
                return false;
            }
        });
        slave = fixture.start(SLAVE, slavePort, 1_000_000);
    }

    @AfterAll
    static void tearDown() throws Exception {
        Teardown.closeAll(slave, owner);
    }

    /** Creates a base on the owner with {@code rows} rows; returns its UUID. */
    private static BaseUuid createBase(int rows) {
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        fixture.http().createBase(owner.url(), uuid.value(), fixture.internalToken(), rows);
        return uuid;
    }

    private static String node(HttpResponse<String> response) {
        return response.headers().firstValue("X-Dtable-Node").orElse("");
    }

    @Test
    void largeBaseReadsAreTheSlavesAndMatchTheOwnersOwnAnswers() {
        BaseUuid large = createBase(25);
        BaseUuid small = createBase(3);
        String largeToken = fixture.readToken(large);
        String smallToken = fixture.writeToken(small);

        HttpResponse<String> viaOwner = fixture.get(owner.url() + "/dtables/" + large, largeToken);
        assertThat(viaOwner.statusCode()).isEqualTo(200);
        assertThat(node(viaOwner)).isEqualTo(SLAVE);
        assertThat(viaOwner.body()).isEqualTo(fixture.get(slave.url() + "/dtables/" + large, largeToken).body());
        assertThat(JSON.readTree(viaOwner.body()).path("tables").path(0).path("rows")).hasSize(25);
        // a client asking for gzip gets the slave's gzip encoding relayed unchanged by the owner
        HttpResponse<byte[]> zipped = fixture.getGzip(owner.url() + "/dtables/" + large, largeToken);
        assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(zipped.headers().firstValue("X-Dtable-Node")).hasValue(SLAVE);
        assertThat(SlaveFixture.gunzip(zipped.body())).isEqualTo(viaOwner.body());
        String rowId = JSON.readTree(viaOwner.body()).path("tables").path(0).path("rows").path(7).path("_id").asString();
        for (String path : new String[] {"/api/v1/dtables/" + large + "/", "/api/v1/dtables/" + large + "/metadata/",
            "/api/v1/dtables/" + large + "/rows/?table_name=Table1&start=5&limit=10",
            "/api/v1/dtables/" + large + "/rows/" + rowId + "/?table_name=Table1"}) {
            HttpResponse<String> read = fixture.get(owner.url() + path, largeToken);
            assertThat(read.statusCode()).as(path).isEqualTo(200);
            assertThat(node(read)).as(path).isEqualTo(SLAVE);
        }

        // a small base: the owner answers, and the slave's own answer for it is the same document
        HttpResponse<String> smallRead = fixture.get(owner.url() + "/dtables/" + small, smallToken);
        assertThat(node(smallRead)).isEqualTo(OWNER);
        assertThat(fixture.get(slave.url() + "/dtables/" + small, smallToken).body()).isEqualTo(smallRead.body());
        HttpResponse<String> smallRows = fixture.get(owner.url() + "/api/v1/dtables/" + small + "/rows/?table_name=Table1",
                smallToken);
        assertThat(node(smallRows)).isEqualTo(OWNER);
        assertThat(fixture.get(slave.url() + "/api/v1/dtables/" + small + "/rows/?table_name=Table1", smallToken).body())
                .isEqualTo(smallRows.body());
    }

    @Test
    void writesStayOnTheOwnerAndTheNextReadThroughTheSlaveSeesThem() {
        BaseUuid large = createBase(12);
        String token = fixture.writeToken(large);
        fixture.get(owner.url() + "/dtables/" + large, token); // the slave holds it from here on
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> write = fixture.send("POST", owner.url() + "/api/v1/dtables/" + large + "/rows/", token,
                    "{\"table_name\":\"Table1\",\"row\":{\"Name\":\"acked-" + i + "\"}}");
            assertThat(write.statusCode()).as(write.body()).isEqualTo(200);
            assertThat(node(write)).isEqualTo(OWNER);
            String version = write.headers().firstValue("X-Dtable-Version").orElseThrow();

            HttpResponse<String> read = fixture.get(owner.url() + "/api/v1/dtables/" + large
                    + "/rows/?table_name=Table1&start=" + (12 + i) + "&limit=1", token);
            assertThat(node(read)).isEqualTo(SLAVE);
            assertThat(read.headers().firstValue("X-Dtable-Version")).hasValue(version);
            JsonNode rows = JSON.readTree(read.body()).path("rows");
            assertThat(rows).hasSize(1);
            assertThat(rows.path(0).path("Name").asString()).isEqualTo("acked-" + i);
        }
        HttpResponse<String> delete = fixture.send("DELETE", owner.url() + "/api/v1/dtables/" + large + "/rows/", token,
                "{\"table_name\":\"Table1\",\"row_id\":\"" + JSON.readTree(fixture.get(owner.url() + "/api/v1/dtables/"
                        + large + "/rows/?table_name=Table1&limit=1", token).body()).path("rows").path(0).path("_id")
                        .asString() + "\"}");
        assertThat(delete.statusCode()).isEqualTo(200);
        assertThat(node(delete)).isEqualTo(OWNER);
        assertThat(JSON.readTree(fixture.get(owner.url() + "/api/v1/dtables/" + large + "/rows/?table_name=Table1",
                token).body()).path("rows")).hasSize(21);
    }

    @Test
    void withTheSlaveDownTheOwnerServesTheSameAnswerAndForwardsAgainOnceItIsBack() {
        BaseUuid large = createBase(30);
        String token = fixture.readToken(large);
        HttpResponse<String> bySlave = fixture.get(owner.url() + "/dtables/" + large, token);
        assertThat(node(bySlave)).isEqualTo(SLAVE);

        slave.close();
        try {
            HttpResponse<String> byOwner = fixture.get(owner.url() + "/dtables/" + large, token);
            assertThat(byOwner.statusCode()).isEqualTo(200);
            assertThat(node(byOwner)).isEqualTo(OWNER);
            assertThat(byOwner.body()).isEqualTo(bySlave.body());
        } finally {
            slave = fixture.start(SLAVE, slavePort, 1_000_000);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> node(fixture.get(owner.url() + "/dtables/" + large, token))
                .equals(SLAVE));
        assertThat(fixture.get(owner.url() + "/dtables/" + large, token).body()).isEqualTo(bySlave.body());
    }
}
