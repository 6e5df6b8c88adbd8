package dtable.clustertest;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The whole-cluster fault suite: each test is one {@link Scenarios fault} under continuous write load on
 * bases spread over both nodes, followed by the {@link LogAudit} of SPEC §5's invariants S1–S3. Prints one
 * {@code SCENARIO …} row per scenario and keeps the table in {@code target/cluster-tests/scenarios.md}.
 *
 * <p>Scenarios run in a fixed order on one shared cluster; each starts by restoring full health and
 * balance, so a failed scenario does not poison the next one.
 */
class FaultScenariosIT extends ScenarioSuite {

    FaultScenariosIT() {
        super("fault suite", "scenarios.md");
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
}
