package dtable.clustertest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every scenario run must show, in the fault suite and in soak mode alike: acknowledged writes, no
 * finding of the checker (S1-S3 and retry safety), the fault's own expectations, no HTTP write held past
 * {@link ScenarioRunner#SLOW_REQUEST} (unless the database itself hangs), and client errors within the
 * scenario's budget.
 */
final class ScenarioAssertions {

    private ScenarioAssertions() {
    }

    static ScenarioResult runAndCheck(ScenarioRunner runner, Scenarios.Scenario scenario, String runName) {
        ScenarioResult result = runner.run(runName, scenario.fault());
        assertThat(result.acked()).as("acknowledged writes in %s", runName).isPositive();
        assertThat(result.audit().counts()).as("S1-S3 violations in %s:%n%s", runName, result.audit().describe())
                .isEmpty();
        assertThat(result.failedExpectations()).as("expectations of %s", runName).isEmpty();
        if (!scenario.allowsHangs()) {
            assertThat(result.slowRequests()).as("HTTP writes held longer than %s in %s (a stalled node: thread dumps"
                    + " in target/cluster-tests/dumps/)", ScenarioRunner.SLOW_REQUEST, runName).isZero();
        }
        if (scenario.maxHttpErrors() >= 0) {
            assertThat(result.httpErrors()).as("HTTP errors through the proxy in %s: %s", runName, result.errorKinds())
                    .isLessThanOrEqualTo(scenario.maxHttpErrors());
        }
        if (scenario.maxSocketErrors() >= 0) {
            assertThat(result.socketErrors()).as("socket errors in %s: %s", runName, result.errorKinds())
                    .isLessThanOrEqualTo(scenario.maxSocketErrors());
        }
        return result;
    }
}
