package dtable.clustertest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** The etcd-loss scenarios ({@link EtcdLossScenarios}) on the suite's private cluster, checked like every other. */
@Tag("integration")
@ExtendWith(ClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdLossScenariosIT {

    private static final ScenarioTable TABLE = ScenarioTable.inTarget("etcd-loss-scenarios.md");
    private static ScenarioRunner runner;

    @BeforeAll
    static void runner(ClusterApi api) {
        runner = new ScenarioRunner(api, TABLE);
    }

    @AfterAll
    static void printTable() {
        System.out.println("---- etcd loss: " + TABLE.results().size() + " scenarios ----");
        TABLE.results().forEach(r -> System.out.println(r.line()));
    }

    @Test
    @Order(1)
    void etcdWiped() {
        check(EtcdLossScenarios.etcdWiped());
    }

    @Test
    @Order(2)
    void etcdRestored() {
        check(EtcdLossScenarios.etcdRestored());
    }

    @Test
    @Order(3)
    void etcdWipedNodeKilled() {
        check(EtcdLossScenarios.etcdWipedNodeKilled());
    }

    @Test
    @Order(4)
    void etcdRestoredNodeKilled() {
        check(EtcdLossScenarios.etcdRestoredNodeKilled());
    }

    private static void check(Scenarios.Scenario scenario) {
        ScenarioAssertions.runAndCheck(runner, scenario, scenario.name());
    }
}
