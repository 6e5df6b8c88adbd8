package dtable.server.base;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import dtable.server.storage.MemoryBaseStorage;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A base loaded (or created) while its bucket is released must not stay in memory. The release runs
 * exactly in the window between the load's last ownership check and the base becoming reachable
 * (the {@code beforePublish} seam). Before the fix the registry checked ownership, then published:
 * {@code releaseBuckets} found nothing to unload and the base stayed loaded, unreachable, until the
 * idle unload. (Was an integration test on MariaDB; the in-memory storage keeps MySQL's claim rules.)
 */
class ReleaseRaceTest {

    private final MemoryBaseStorage storage = new MemoryBaseStorage();
    private final CoreNode node = new CoreNode("node-a", storage, Clock.systemUTC());

    ReleaseRaceTest() {
        node.onLost = (buckets, reason) -> node.registry.releaseBuckets(buckets, reason);
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
        assertThat(storage.findHeader(uuid.value())).isPresent();
    }

    private AtomicInteger loseTheLeaseInTheWindowOnce() {
        AtomicInteger releases = new AtomicInteger();
        node.beforePublish(() -> {
            if (releases.getAndIncrement() == 0) {
                node.ownership.onLeaseLost("test: lease lost while a base is loading");
            }
        });
        return releases;
    }
}
