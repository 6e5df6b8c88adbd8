package dtable.proxy;

import dtable.core.bucket.Bucket;
import dtable.testsupport.EtcdExtension;
import dtable.testsupport.Teardown;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A one-member etcd, one {@link FakeNode} owning one bucket, and a proxy in front, for the duration
 * of a test class. Register it on a static field with {@code @RegisterExtension}.
 */
final class OneNodeProxy implements BeforeAllCallback, AfterAllCallback {

    private final EtcdExtension etcd = EtcdExtension.members(1);
    private final String nodeId;
    private final String prefix;
    private final Bucket bucket;
    private FakeNode node;
    private ProxyHarness proxy;

    /**
     * @param prefix the etcd namespace of the test class
     * @param bucket the bucket the node owns (base UUIDs starting with it reach the node)
     */
    OneNodeProxy(String nodeId, String prefix, Bucket bucket) {
        this.nodeId = nodeId;
        this.prefix = prefix;
        this.bucket = bucket;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        etcd.beforeAll(context);
        node = FakeNode.start(nodeId);
        proxy = ProxyHarness.start(etcd.endpoints(), prefix, Duration.ofSeconds(5), Optional.empty());
        proxy.own(node.info(), bucket);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Teardown.closeAll(proxy, node, () -> etcd.afterAll(context));
    }

    FakeNode node() {
        return node;
    }

    ProxyHarness proxy() {
        return proxy;
    }
}
