package dtable.testsupport;

import java.util.List;

/**
 * Runs an {@link EtcdCluster} for the duration of one test class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static EtcdExtension etcd = EtcdExtension.members(1);
 * }</pre>
 *
 * <p>Register it on a <em>static</em> field: the cluster starts before the first test of the class
 * and is closed after the last. The accessors may be called from tests and from
 * {@code @BeforeAll} methods declared after the field. When neither the etcd binary nor Docker is
 * available the class's tests are aborted (skipped), not failed.
 */
public final class EtcdExtension extends ClassScopedServer<EtcdCluster> {

    private final int members;

    private EtcdExtension(int members) {
        super("etcd");
        this.members = members;
    }

    /** An extension that starts a cluster of {@code members} (1 or 3) members. */
    public static EtcdExtension members(int members) {
        return new EtcdExtension(members);
    }

    @Override
    protected EtcdCluster open() {
        return EtcdCluster.start(members);
    }

    /** The running cluster, for fault injection. */
    public EtcdCluster cluster() {
        return running();
    }

    /** Client URLs of all members, {@code http://127.0.0.1:PORT}. */
    public List<String> endpoints() {
        return cluster().endpoints();
    }
}
