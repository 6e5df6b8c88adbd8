package dtable.core.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.testsupport.EtcdExtension;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One etcd member out of three that answers nothing (SIGSTOP) must not cost a node its lease: the others keep
 * quorum, and the keep-alives go to them. A long-lived keep-alive stream that happened to sit on the frozen member
 * stayed silent there until gRPC's own keep-alive gave up (10 s + 5 s), so a node fenced itself after 0.8 × TTL.
 * Each follower is frozen in turn for twice the fence time, so whichever member a stream would have used is hit.
 */
@Tag("integration")
class NodeRegistrationMemberLossTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(3);

    private static final Duration TTL = Duration.ofSeconds(4);

    @Test
    void aFrozenFollowerCostsNoLease() throws Exception {
        String key = EtcdTestKeys.freshNamespace().slave("slave-1");
        RecordingRegistrationListener listener = new RecordingRegistrationListener();
        try (Client client = EtcdClients.connect(etcd.endpoints());
                NodeRegistration registration = NodeRegistration.start(client, key,
                        "{\"node_id\":\"slave-1\",\"local_node_url\":\"http://127.0.0.1:4000\"}", TTL, listener)) {
            assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
            int leader = leaderIndex(client);
            for (int member = 0; member < etcd.cluster().size(); member++) {
                if (member == leader) {
                    continue; // freezing the leader costs an election; that is not this test
                }
                etcd.cluster().pauseMember(member);
                try {
                    Thread.sleep(TTL.multipliedBy(8).dividedBy(5).toMillis()); // 2 × the fence time of 0.8 × TTL
                } finally {
                    etcd.cluster().resumeMember(member);
                }
                assertThat(listener.losses()).as("losses while member %d was frozen", member).isEmpty();
            }
            assertThat(registration.isRegistered()).isTrue();
            assertThat(listener.registrations()).hasSize(1);
        }
    }

    private static int leaderIndex(Client client) throws Exception {
        for (int i = 0; i < etcd.cluster().size(); i++) {
            StatusResponse status = client.getMaintenanceClient()
                    .statusMember(etcd.cluster().endpoint(i))
                    .get(5, TimeUnit.SECONDS);
            if (status.getHeader().getMemberId() == status.getLeader()) {
                return i;
            }
        }
        throw new IllegalStateException("no member reports itself as the leader");
    }
}
