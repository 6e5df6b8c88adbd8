package dtable.core.etcd;

import static dtable.core.etcd.EtcdTestKeys.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.cluster.EtcdKeys;
import dtable.testsupport.EtcdExtension;
import io.etcd.jetcd.Client;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Self-fencing without etcd: with the only etcd member frozen (SIGSTOP) nobody can tell the node
 * its lease is gone, so the node must conclude it from the missing keep-alive answers, before the
 * TTL, and register again once etcd answers.
 */
@Tag("integration")
class NodeRegistrationFencingTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    private static final Duration TTL = Duration.ofSeconds(5);
    private static final Duration FENCE_AFTER = Duration.ofSeconds(4); // the default 0.8 × TTL

    @Test
    void frozenEtcdFencesTheNodeBeforeItsLeaseCouldExpireAndItRegistersAgainAfterwards() throws Exception {
        EtcdKeys keys = EtcdTestKeys.freshNamespace();
        String key = keys.slave("slave-1");
        RecordingRegistrationListener listener = new RecordingRegistrationListener();
        try (Client client = EtcdClients.connect(etcd.endpoints());
                NodeRegistration registration = NodeRegistration.start(client, key,
                        "{\"node_id\":\"slave-1\",\"local_node_url\":\"http://127.0.0.1:4000\"}", TTL, listener)) {
            assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
            long firstLease = registration.leaseId();

            long pausedAt = System.nanoTime();
            etcd.cluster().pauseMember(0);
            try {
                await().atMost(TTL.plusSeconds(2)).until(() -> !listener.losses().isEmpty());
            } finally {
                etcd.cluster().resumeMember(0);
            }
            RecordingRegistrationListener.Event lost = listener.losses().get(0);
            Duration afterPause = Duration.ofNanos(lost.atNanos() - pausedAt);
            assertThat(lost.reason()).contains("no keep-alive answer");
            // the last answer came at most TTL/3 before the pause, so fencing fires after
            // FENCE_AFTER - TTL/3 and, the point of it, before the lease can expire in etcd
            assertThat(afterPause).isGreaterThan(FENCE_AFTER.minus(TTL.dividedBy(3)).minusMillis(200))
                    .isLessThan(TTL);
            assertThat(registration.isRegistered()).isFalse();

            await().atMost(Duration.ofSeconds(15)).until(() -> listener.registrations().size() == 2);
            long secondLease = registration.leaseId();
            assertThat(secondLease).isNotZero().isNotEqualTo(firstLease);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(get(client, key).orElseThrow().getLease()).isEqualTo(secondLease));
            assertThat(listener.events).extracting(RecordingRegistrationListener.Event::type)
                    .containsExactly("registered", "lost", "registered");
        }
    }
}
