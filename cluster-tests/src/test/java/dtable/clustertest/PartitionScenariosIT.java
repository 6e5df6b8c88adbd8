package dtable.clustertest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Network partitions under load ({@link PartitionScenarios}), on the suite's shared cluster. They need the copy
 * to run with network namespaces ({@code DEV_CLUSTER_NETNS=1}: root, {@code ip}, {@code iptables}; the suite
 * turns it on by itself when it runs as root, {@code -Dcluster.netns=on|off} forces it); elsewhere they are
 * skipped with that reason. Rows go to the same {@code scenarios.md} as the other faults.
 */
class PartitionScenariosIT extends ScenarioSuite {

    PartitionScenariosIT() {
        super("partitions", "partitions.md");
    }

    @Override
    void assumeCluster(ClusterApi api) {
        assumeTrue(api.cluster().partitions(), "the cluster runs without network namespaces (needs root: DEV_CLUSTER_NETNS=1)");
    }

    @Test
    @Order(1)
    void nodeCutFromEtcd() {
        check(PartitionScenarios.nodeCutFromEtcd());
    }

    @Test
    @Order(2)
    void nodeCutFromMysql() {
        check(PartitionScenarios.nodeCutFromMysql());
    }

    @Test
    @Order(3)
    void nodeCutFromProxy() {
        check(PartitionScenarios.nodeCutFromProxy());
    }

    @Test
    @Order(4)
    void monitorLeaderCutFromEtcd() {
        check(PartitionScenarios.monitorLeaderCutFromEtcd());
    }

    @Test
    @Order(5)
    void etcdMemberCutFromPeers() {
        check(PartitionScenarios.etcdMemberCutFromPeers());
    }

    @Test
    @Order(6)
    void etcdLeaderCutFromPeers() {
        check(PartitionScenarios.etcdLeaderCutFromPeers());
    }
}
