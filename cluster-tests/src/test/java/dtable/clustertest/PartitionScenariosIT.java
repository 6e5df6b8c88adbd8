package dtable.clustertest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Network partitions under load ({@link PartitionScenarios}), on the suite's shared cluster. They need the copy
 * to run with network namespaces ({@code DEV_CLUSTER_NETNS=1}: root, {@code ip}, {@code iptables}; the suite
 * turns it on by itself when it runs as root, {@code -Dcluster.netns=on|off} forces it); elsewhere they are
 * skipped with that reason. Rows go to the same {@code scenarios.md} as the other faults.
 */
@Tag("integration")
@ExtendWith(ClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PartitionScenariosIT {

    private static final ScenarioTable TABLE = ScenarioTable.inTarget("partitions.md");
    private static ScenarioRunner runner;

    @BeforeAll
    static void runner(ClusterApi api) {
        assumeTrue(api.cluster().partitions(), "the cluster runs without network namespaces (needs root: DEV_CLUSTER_NETNS=1)");
        runner = new ScenarioRunner(api, TABLE);
    }

    @AfterAll
    static void printTable() {
        System.out.println("---- partitions: " + TABLE.results().size() + " scenarios ----");
        TABLE.results().forEach(r -> System.out.println(r.line()));
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

    private static void check(Scenarios.Scenario scenario) {
        ScenarioAssertions.runAndCheck(runner, scenario, scenario.name());
    }
}
