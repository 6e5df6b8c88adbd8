package dtable.server.base;

import dtable.core.bucket.BaseUuid;
import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.NodeInfo;
import dtable.model.Base;
import dtable.server.cluster.Ownership;
import dtable.server.storage.ManualOperationLog;
import dtable.server.storage.MemoryBaseStorage;
import java.time.Clock;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * A node's core without Spring, etcd or MySQL: production {@link Ownership} and {@link BaseRegistry} over
 * a shared {@link MemoryBaseStorage}, with its own {@link ManualOperationLog}. The map is fed by hand; what
 * the node does with buckets it stops serving is {@link #onLost} (nothing unless the test says).
 */
public final class CoreNode {

    public final String id;
    public final ManualOperationLog log;
    public final Ownership ownership;
    public final BaseRegistry registry;
    public volatile BiConsumer<Set<Bucket>, String> onLost = (buckets, reason) -> { };

    public CoreNode(String id, MemoryBaseStorage storage, Clock clock) {
        this.id = id;
        this.log = new ManualOperationLog(storage);
        this.ownership = new Ownership(id, (buckets, reason) -> onLost.accept(buckets, reason));
        this.registry = new BaseRegistry(id, storage, log, ownership, clock, new BaseRegistry.Limits(10_000_000));
        ownership.onRegistered();
    }

    /** The node's entry in a map. */
    public NodeInfo info() {
        return new NodeInfo(id, "http://" + id + "/", "http://" + id + "/", "now");
    }

    /** Makes this node believe it owns {@code bucket} under {@code token}. */
    public void believeOwner(Bucket bucket, long token) {
        ownership.onMap(ownership.map().toBuilder().node(info()).owner(bucket, id, token).revision(token).build());
    }

    /** A new base with the default table, created and loaded here (its bucket believed owned under token 10). */
    public BaseUuid newBase() {
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        believeOwner(uuid.bucket(), 10);
        registry.create(uuid, Base.withDefaultTable());
        return uuid;
    }

    /** Lets the test run code in the window between a load's last ownership check and the base becoming reachable. */
    public void beforePublish(Runnable action) {
        registry.beforePublish = action;
    }
}
