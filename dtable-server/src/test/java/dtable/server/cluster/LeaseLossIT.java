package dtable.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.core.token.Permission;
import dtable.server.ServerFixture;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.GetResponse;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Self-fencing: when a node's lease is revoked behind its back it stops serving every bucket at once
 * (503, nothing written), and serves again only after it has registered anew.
 */
@Tag("integration")
class LeaseLossIT {

    @RegisterExtension
    static final ServerFixture.OnEtcdAndMariaDb SERVERS = ServerFixture.onEtcdAndMariaDb();

    private static ServerFixture fixture;
    private static ServerFixture.InProcessNode node;

    @BeforeAll
    static void setUp() {
        fixture = SERVERS.get();
        node = fixture.startInProcess("lease-1", "");
        fixture.assignAll("lease-1");
    }

    @Test
    void revokedLeaseStopsServingUntilRegisteredAgain() throws Exception {
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        String token = fixture.baseToken(uuid, Permission.READ_WRITE);
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.serves(node.url(), uuid.bucket()));
        assertThat(fixture.send("PUT", node.url() + "/api/v1/dtables/" + uuid + "/", token, null).statusCode())
                .isEqualTo(201);
        String append = "{\"table_name\":\"Table1\",\"row\":{\"Name\":\"before\"}}";
        assertThat(fixture.send("POST", node.url() + "/api/v1/dtables/" + uuid + "/rows/", token, append).statusCode())
                .isEqualTo(200);

        ByteSequence key = ByteSequence.from(fixture.keys().node("lease-1"), StandardCharsets.UTF_8);
        GetResponse registered = fixture.etcd().getKVClient().get(key).get(10, TimeUnit.SECONDS);
        long lease = registered.getKvs().getFirst().getLease();
        fixture.etcd().getLeaseClient().revoke(lease).get(10, TimeUnit.SECONDS);

        // the node noticed and fenced itself (stopped serving every bucket) ...
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.send("GET", node.url() + "/api/v1/admin/node/",
                fixture.internalToken(), null).body().contains("\"lease_losses\":1"));
        // ... and comes back by itself under a new lease
        await().atMost(Duration.ofSeconds(30)).until(() -> newLease(key) != 0 && newLease(key) != lease);
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.send("POST", node.url() + "/api/v1/dtables/" + uuid
                + "/rows/", token, append).statusCode() == 200);
        HttpResponse<String> rows = fixture.send("GET", node.url() + "/api/v1/dtables/" + uuid
                + "/rows/?table_name=Table1", token, null);
        assertThat(rows.body()).contains("before");
    }

    private static long newLease(ByteSequence key) {
        try {
            GetResponse r = fixture.etcd().getKVClient().get(key).get(10, TimeUnit.SECONDS);
            return r.getKvs().isEmpty() ? 0 : r.getKvs().getFirst().getLease();
        } catch (Exception e) {
            return 0;
        }
    }
}
