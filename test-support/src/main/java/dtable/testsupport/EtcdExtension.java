package dtable.testsupport;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

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
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback {

    private final int members;
    private volatile EtcdCluster cluster;

    private EtcdExtension(int members) {
        this.members = members;
    }

    /** An extension that starts a cluster of {@code members} (1 or 3) members. */
    public static EtcdExtension members(int members) {
        return new EtcdExtension(members);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = EtcdCluster.start(members);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        EtcdCluster running = cluster;
        cluster = null;
        if (running != null) {
            running.close();
        }
    }

    /** The running cluster, for fault injection. */
    public EtcdCluster cluster() {
        EtcdCluster running = cluster;
        if (running == null) {
            throw new IllegalStateException("etcd is not running: register EtcdExtension on a static field "
                    + "with @RegisterExtension and use it inside the test class's lifecycle");
        }
        return running;
    }

    /** Client URLs of all members, {@code http://127.0.0.1:PORT}. */
    public List<String> endpoints() {
        return cluster().endpoints();
    }
}
