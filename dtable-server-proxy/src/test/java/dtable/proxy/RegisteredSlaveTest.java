package dtable.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.NodeInfo;
import dtable.core.cluster.SlaveInfo;
import dtable.testsupport.EtcdExtension;
import dtable.testsupport.Ports;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stale reads without {@code dtable_server_slave_url}: the proxy uses a slave registered under
 * {@code slaves/} in etcd, and with none registered it keeps retrying at the owner.
 */
@Tag("integration")
class RegisteredSlaveTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    private static final FakeNode SLAVE_B = FakeNode.start("slave-b");
    private static final FakeNode SLAVE_A = FakeNode.start("slave-a");
    private static ProxyHarness proxy;

    @BeforeAll
    static void startProxy() {
        proxy = ProxyHarness.start(etcd.endpoints(), "/registered-slave-test/", Duration.ofSeconds(2), Optional.empty(),
                "--dtable.proxy.response-timeout=1s");
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        SLAVE_A.close();
        SLAVE_B.close();
    }

    @Test
    void readsOfAnUnreachableOwnerGoToTheRegisteredSlaveOnlyOnceOneIsRegistered() {
        ownedByADeadNode("gone", "71");
        String path = "/api/v1/dtables/71000000-0000-4000-8000-000000000007/rows/?table_name=T";

        HttpResponse<String> withoutSlave = proxy.get(path);
        assertThat(withoutSlave.statusCode()).as(withoutSlave.body()).isEqualTo(503);
        assertThat(withoutSlave.headers().firstValue("X-Dtable-Read-Level")).isEmpty();

        proxy.registerSlave(new SlaveInfo("slave-b", SLAVE_B.url()));
        proxy.awaitSeen(proxy.registerSlave(new SlaveInfo("slave-a", SLAVE_A.url())));
        HttpResponse<String> stale = proxy.get(path);

        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(200);
        assertThat(stale.headers().firstValue("X-Dtable-Read-Level")).contains("stale");
        assertThat(stale.headers().firstValue("X-Dtable-Node")).contains("slave-a");
        assertThat(SLAVE_A.received().getLast().uri()).isEqualTo(path + "&level=stale");
        assertThat(SLAVE_B.calls()).isZero();

        proxy.awaitSeen(proxy.unregisterSlave("slave-a"));
        HttpResponse<String> other = proxy.get(path);
        assertThat(other.headers().firstValue("X-Dtable-Node")).contains("slave-b");
    }

    @Test
    void writesAreNeverSentToTheSlave() {
        ownedByADeadNode("gone-w", "72");
        proxy.awaitSeen(proxy.registerSlave(new SlaveInfo("slave-b", SLAVE_B.url())));
        int before = SLAVE_B.calls();

        HttpResponse<String> post = proxy.send(java.net.http.HttpRequest.newBuilder(
                        proxy.uri("/api/v1/dtables/72000000-0000-4000-8000-000000000007/rows/"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"table_name\":\"T\",\"row\":{}}")));

        assertThat(post.statusCode()).as(post.body()).isEqualTo(503);
        assertThat(SLAVE_B.calls()).isEqualTo(before);
    }

    /** Registers {@code nodeId} at a local URL nobody listens on and gives it {@code bucket}. */
    private static void ownedByADeadNode(String nodeId, String bucket) {
        proxy.own(new NodeInfo(nodeId, "http://" + nodeId + ".example/", "http://127.0.0.1:" + Ports.free() + "/",
                "2025-01-01T00:00:00Z"), Bucket.of(bucket));
    }
}
