package dtable.server.slave;

import dtable.core.bucket.BaseUuid;
import dtable.server.base.BaseRegistry;
import dtable.server.base.LoadedBase;
import dtable.server.cluster.Ownership;
import dtable.server.cluster.Route;
import dtable.server.storage.BaseRecord;
import dtable.server.storage.BaseStore;
import dtable.web.Authorizer;
import jakarta.servlet.http.HttpServletRequest;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Decides whether a read goes to the slave: only after the node's normal checks pass (the token may
 * read the base, this node serves its bucket — otherwise the request takes its normal path to
 * 401/403/307/503), and only when the base has more rows than {@code worker_threads_rows_limit}.
 *
 * <p>Row count: the loaded base's if this node holds it, else {@code dtables.row_count} (as of its last
 * snapshot) without loading it — a large base read only through the slave never occupies the owner's memory.
 * An unknown or deleted base is not forwarded (the node answers its 404).
 *
 * <p>Thread-safe if its functions are; the real ones are.
 */
public final class ForwardPolicy {

    /** Row count of a base that does not exist: never above any limit. */
    static final long NO_BASE = -1;

    private final BiPredicate<HttpServletRequest, BaseUuid> mayRead;
    private final Predicate<BaseUuid> servedHere;
    private final ToLongFunction<BaseUuid> rowCount;
    private final long rowsLimit;

    public ForwardPolicy(BiPredicate<HttpServletRequest, BaseUuid> mayRead, Predicate<BaseUuid> servedHere,
            ToLongFunction<BaseUuid> rowCount, long rowsLimit) {
        this.mayRead = mayRead;
        this.servedHere = servedHere;
        this.rowCount = rowCount;
        this.rowsLimit = rowsLimit;
    }

    /** The policy over a node's real objects. */
    public static ForwardPolicy of(Authorizer authorizer, Ownership ownership, BaseRegistry registry, BaseStore store,
            long rowsLimit) {
        return new ForwardPolicy((request, uuid) -> {
            try {
                authorizer.read(request, uuid);
                return true;
            } catch (RuntimeException e) {
                return false; // the controller answers 401/403 with its own message
            }
        }, uuid -> ownership.route(uuid.bucket()) instanceof Route.Local,
                uuid -> registry.get(uuid).map(LoadedBase::rowCount).map(Integer::longValue)
                        .orElseGet(() -> store.findHeader(uuid.value()).filter(r -> !r.deleted())
                                .map(BaseRecord::rowCount).map(Integer::longValue).orElse(NO_BASE)),
                rowsLimit);
    }

    /** True when this read of {@code uuid} should be answered by the slave. Cheap checks first. */
    public boolean forwardable(HttpServletRequest request, BaseUuid uuid) {
        return servedHere.test(uuid) && mayRead.test(request, uuid) && rowCount.applyAsLong(uuid) > rowsLimit;
    }

    public long rowsLimit() {
        return rowsLimit;
    }
}
