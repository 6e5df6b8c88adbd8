package dtable.clustertest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the scenario test classes (faults, partitions, etcd loss) share: the shared cluster from
 * {@link ClusterExtension}, tests in {@code @Order}, one {@link ScenarioTable} and {@link ScenarioRunner} per
 * class, set up before the first test and printed after the last one.
 *
 * <p>One test instance per class, so the table and the runner are plain fields of that instance; the tests
 * keep no other state, so this runs exactly as static fields with static {@code @BeforeAll}/{@code @AfterAll} did.
 */
@Tag("integration")
@ExtendWith(ClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ScenarioSuite {

    private final String title;
    private final ScenarioTable table;
    private ScenarioRunner runner;

    /** {@code title} heads the printed table; {@code fileName} is its file under {@code target/cluster-tests/}. */
    ScenarioSuite(String title, String fileName) {
        this.title = title;
        this.table = ScenarioTable.inTarget(fileName);
    }

    @BeforeAll
    final void startRunner(ClusterApi api) {
        assumeCluster(api);
        runner = new ScenarioRunner(api, table);
    }

    /** Skips the whole class (with an assumption) when the cluster lacks what it needs; by default it needs nothing. */
    void assumeCluster(ClusterApi api) {
    }

    /**
     * Prints the table, then leaves the shared cluster as every other test class expects to find it: all components
     * running and both nodes serving (a scenario ends with its fault repaired, but a killed node or a restored etcd
     * may still be coming back, and the class that runs next, in no fixed order, is not a scenario suite).
     */
    @AfterAll
    final void printTableAndRestore() {
        System.out.println("---- " + title + ": " + table.results().size() + " scenarios ----");
        table.results().forEach(r -> System.out.println(r.line()));
        if (runner != null) {
            runner.restoreAndBalance();
        }
    }

    /** Runs a scenario and asserts what {@link ScenarioAssertions} checks. */
    final ScenarioResult check(Scenarios.Scenario scenario) {
        return ScenarioAssertions.runAndCheck(runner, scenario, scenario.name());
    }
}
