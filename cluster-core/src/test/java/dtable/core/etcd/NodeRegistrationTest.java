package dtable.core.etcd;

import static dtable.core.etcd.EtcdTestKeys.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.cluster.EtcdKeys;
import dtable.core.cluster.NodeInfo;
import dtable.testsupport.EtcdExtension;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Registration, lease expiry, revocation and re-registration against a real etcd. */
@Tag("integration")
class NodeRegistrationTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    private static final Duration TTL = Duration.ofSeconds(3);

    private final RecordingRegistrationListener listener = new RecordingRegistrationListener();
    private Client observer;
    private String key;
    private String json;

    @BeforeEach
    void setUp() {
        observer = EtcdClients.connect(etcd.endpoints());
        EtcdKeys keys = EtcdTestKeys.freshNamespace();
        key = keys.node("node-1");
        json = ClusterJson.toJson(new NodeInfo("node-1", "http://a:5000", "http://127.0.0.1:5000", "2026-01-01T00:00:00Z"));
    }

    @AfterEach
    void tearDown() {
        observer.close();
    }

    @Test
    void registersUnderALeaseAndCloseRevokesItAtOnce() throws Exception {
        try (NodeRegistration registration = NodeRegistration.start(observer, key, json, TTL, listener)) {
            assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();

            KeyValue kv = get(observer, key).orElseThrow();
            assertThat(kv.getValue().toString()).isEqualTo(json);
            assertThat(kv.getLease()).isEqualTo(registration.leaseId()).isNotZero();
            assertThat(listener.registrations()).extracting(RecordingRegistrationListener.Event::leaseId)
                    .containsExactly(registration.leaseId());
            long lease = registration.leaseId();

            // the registration outlives several TTLs while keep-alives flow
            await().pollDelay(Duration.ofMillis(2 * TTL.toMillis())).atMost(Duration.ofSeconds(10))
                    .until(() -> get(observer, key).isPresent());
            assertThat(listener.losses()).isEmpty();

            registration.close();
            assertThat(get(observer, key)).isEmpty(); // revoked, not left to expire
            assertThat(observer.getLeaseClient().timeToLive(lease, io.etcd.jetcd.options.LeaseOption.DEFAULT)
                    .get(5, TimeUnit.SECONDS).getTTL()).isEqualTo(-1);
        }
        assertThat(listener.losses()).isEmpty();
    }

    @Test
    void keyExpiresAfterTheTtlWhenKeepAlivesStop() throws Exception {
        Client own = EtcdClients.connect(etcd.endpoints());
        NodeRegistration registration = NodeRegistration.start(own, key, json, TTL, listener);
        assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
        long closedAt = System.nanoTime();

        own.close(); // the process "dies": no revoke, no more keep-alives

        await().atMost(Duration.ofSeconds(5)).until(() -> !listener.losses().isEmpty());
        assertThat(listener.losses().get(0).reason()).contains("client closed");
        await().atMost(TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> get(observer, key).isEmpty());
        // etcd, not a revoke, removed it: that takes about a TTL
        assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isGreaterThan(TTL.minusSeconds(2));
        registration.close();
        assertThat(registration.isRegistered()).isFalse();
    }

    @Test
    void revokedLeaseFiresLeaseLostAndTheRegistrationComesBackUnderANewLease() throws Exception {
        try (NodeRegistration registration = NodeRegistration.start(observer, key, json, TTL, listener)) {
            assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
            long first = registration.leaseId();

            try (Client other = EtcdClients.connect(etcd.endpoints())) {
                other.getLeaseClient().revoke(first).get(5, TimeUnit.SECONDS); // Curator's injectSessionExpiration
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> listener.registrations().size() == 2);
            assertThat(listener.events).extracting(RecordingRegistrationListener.Event::type)
                    .containsExactly("registered", "lost", "registered");
            assertThat(listener.losses().get(0).reason()).contains("expired or revoked");
            long second = listener.registrations().get(1).leaseId();
            assertThat(second).isNotEqualTo(first).isEqualTo(registration.leaseId());
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(get(observer, key).orElseThrow().getLease()).isEqualTo(second));
        }
    }

    @Test
    void aRegistrationThatTookLongerThanTheFenceTimeIsNotAnnouncedButRetried() throws Exception {
        // the clock jumps 10 s between the first grant and the check after its put: that lease is stale at birth
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        java.time.Clock monotonic = MonotonicClock.get();
        java.time.Clock jumping = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                java.time.Instant now = monotonic.instant();
                return calls.getAndIncrement() == 0 ? now : now.plusSeconds(10);
            }
        };
        try (NodeRegistration registration = NodeRegistration.start(observer, key, json, TTL,
                TTL.multipliedBy(4).dividedBy(5), jumping, listener)) {
            assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();

            assertThat(listener.registrations()).singleElement()
                    .satisfies(event -> assertThat(event.leaseId()).isEqualTo(registration.leaseId()));
            assertThat(listener.losses()).isEmpty();
            KeyValue kv = get(observer, key).orElseThrow();
            assertThat(kv.getLease()).isEqualTo(registration.leaseId());
            // still registered a while later: the announced lease is a healthy one
            await().pollDelay(Duration.ofMillis(TTL.toMillis())).atMost(Duration.ofSeconds(10))
                    .until(() -> registration.isRegistered() && listener.losses().isEmpty());
        }
    }
}
