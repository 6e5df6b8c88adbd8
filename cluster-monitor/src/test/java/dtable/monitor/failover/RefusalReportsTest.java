package dtable.monitor.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.cluster.EtcdKeys;
import dtable.core.etcd.EtcdClients;
import dtable.testsupport.EtcdExtension;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The proxies' refusal reports ({@code {ns}refusals/{node_id}}) reach the callback once per put, and nothing else does. */
@Tag("integration")
class RefusalReportsTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    @Test
    void everyPutOfAReportNamesItsNodeAndOtherKeysNameNone() throws Exception {
        EtcdKeys keys = new EtcdKeys("/refusal-reports-test/");
        List<String> reported = new CopyOnWriteArrayList<>();
        try (Client client = EtcdClients.connect(etcd.endpoints());
                RefusalReports reports = RefusalReports.start(client, keys, reported::add)) {
            // the watch starts asynchronously: report until the first one arrives
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                put(client, keys.refusal("n0"));
                return !reported.isEmpty();
            });
            // a watch delivers in revision order: once a marker put after them arrives, so have the puts above
            put(client, keys.refusal("marker"));
            await().atMost(Duration.ofSeconds(5)).until(() -> reported.contains("marker"));
            reported.clear();

            put(client, keys.node("n1"));                       // not a report
            put(client, keys.refusalsPrefix() + "nested/n2");   // not a node id
            client.getKVClient().delete(bytes(keys.refusal("n0"))).get(5, TimeUnit.SECONDS); // expiry of a report
            put(client, keys.refusal("n3"));
            put(client, keys.refusal("n3"));

            // in revision order, anything wrongly delivered would come before the two puts of n3
            await().atMost(Duration.ofSeconds(5)).until(() -> reported.size() >= 2);
            assertThat(reported).containsExactly("n3", "n3");
        }
    }

    private static void put(Client client, String key) throws Exception {
        client.getKVClient().put(bytes(key), bytes("{}")).get(5, TimeUnit.SECONDS);
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
