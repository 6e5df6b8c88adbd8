package dtable.clustertest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole-cluster fault suite: each test is one {@link Scenarios fault} under continuous write load on
 * bases spread over both nodes, followed by the {@link LogAudit} of SPEC §5's invariants S1–S3. Prints one
 * {@code SCENARIO …} row per scenario and keeps the table in {@code target/cluster-tests/scenarios.md}.
 *
 * <p>Scenarios run in a fixed order on one shared cluster; each starts by restoring full health and
 * balance, so a failed scenario does not poison the next one.
 */
@Tag("integration")
@ExtendWith(ClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultScenariosIT {

    private static final ScenarioTable TABLE = ScenarioTable.inTarget("scenarios.md");
    private static ScenarioRunner runner;

    @BeforeAll
    static void runner(ClusterApi api) {
        runner = new ScenarioRunner(api, TABLE);
    }

    @AfterAll
    static void printTable() {
        System.out.println("---- fault suite: " + TABLE.results().size() + " scenarios ----");
        TABLE.results().forEach(r -> System.out.println(r.line()));
    }

    @Test
    @Order(1)
    void killNode() {
        check(Scenarios.killNode());
    }

    @Test
    @Order(2)
    void pauseNodePastLease() {
        check(Scenarios.pauseNodePastLease());
    }

    @Test
    @Order(3)
    void killMonitorLeader() {
        check(Scenarios.killMonitorLeader());
    }

    @Test
    @Order(4)
    void stopOneEtcdMember() {
        check(Scenarios.stopOneEtcdMember());
    }

    @Test
    @Order(5)
    void stopEtcdQuorum() {
        check(Scenarios.stopEtcdQuorum());
    }

    @Test
    @Order(6)
    void restartMysql() {
        check(Scenarios.restartMysql());
    }

    @Test
    @Order(7)
    void killMysql() {
        check(Scenarios.killMysql());
    }

    @Test
    @Order(8)
    void pauseMysql() {
        check(Scenarios.pauseMysql());
    }

    @Test
    @Order(9)
    void drainUndrainRebalance() {
        check(Scenarios.drainUndrainRebalance());
    }

    @Test
    @Order(10)
    void rollingRestart() {
        check(Scenarios.rollingRestart());
    }

    /** Runs a scenario and asserts what {@link ScenarioAssertions} checks. */
    static ScenarioResult check(Scenarios.Scenario scenario) {
        return ScenarioAssertions.runAndCheck(runner, scenario, scenario.name());
    }

    static ScenarioRunner runner() {
        return runner;
    }
}
