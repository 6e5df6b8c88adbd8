package dtable.server.base;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import dtable.server.StorageFixture;
import dtable.testsupport.MariaDbExtension;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A base loaded (or created) while its bucket is released must not stay in memory. The release runs
 * exactly in the window between the load's last ownership check and the base becoming reachable
 * (the {@code beforePublish} seam). Before the fix the registry checked ownership, then published:
 * {@code releaseBuckets} found nothing to unload and the base stayed loaded, unreachable, until the
 * idle unload.
 */
@Tag("integration")
class ReleaseRaceIT {

    @RegisterExtension
    static final MariaDbExtension MARIADB = MariaDbExtension.create();

    private StorageFixture storage;
    private StorageFixture.Node node;

    @BeforeEach
    void setUp() {
        storage = new StorageFixture(MARIADB.jdbcUrl(), MARIADB.user(), MARIADB.password());
        node = storage.node("node-a");
        node.onLost = (buckets, reason) -> node.registry.releaseBuckets(buckets, reason);
    }

    @AfterEach
    void tearDown() {
        node.close();
        storage.close();
    }

    @Test
    void aBaseLoadedWhileItsBucketIsReleasedIsNotLeftInMemory() {
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        node.believeOwner(uuid.bucket(), 10);
        LoadedBase created = node.registry.create(uuid, Base.withDefaultTable());
        node.registry.unload(created, "test: load it again");
        assertThat(node.registry.get(uuid)).isEmpty();

        AtomicInteger releases = loseTheLeaseInTheWindowOnce();
        try {
            node.registry.acquire(uuid);
        } catch (NotServedHereException expected) {
            // the load noticed the bucket left; returning a base that was unloaded meanwhile is fine too
        }

        assertThat(releases).as("the release ran in the window").hasValue(1);
        assertThat(node.registry.get(uuid)).as("no base of a released bucket stays in memory").isEmpty();
    }

    @Test
    void aBaseCreatedWhileItsBucketIsReleasedIsNotLeftInMemory() {
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        node.believeOwner(uuid.bucket(), 10);

        AtomicInteger releases = loseTheLeaseInTheWindowOnce();
        node.registry.create(uuid, Base.withDefaultTable());

        assertThat(releases).as("the release ran in the window").hasValue(1);
        assertThat(node.registry.get(uuid)).as("no base of a released bucket stays in memory").isEmpty();
        // the creation itself is durable: the next owner loads it
        assertThat(storage.store.findHeader(uuid.value())).isPresent();
    }

    private AtomicInteger loseTheLeaseInTheWindowOnce() {
        AtomicInteger releases = new AtomicInteger();
        node.registry.beforePublish = () -> {
            if (releases.getAndIncrement() == 0) {
                node.ownership.onLeaseLost("test: lease lost while a base is loading");
            }
        };
        return releases;
    }
}
