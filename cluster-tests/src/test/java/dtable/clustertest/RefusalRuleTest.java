package dtable.clustertest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which client-visible errors the checker treats as "not applied" (a retry would be safe). */
class RefusalRuleTest {

    @ParameterizedTest
    @ValueSource(strings = {"http_503", "http_307", "socket_error_base_unavailable", "socket_error_invalid_operation"})
    void answersThatPromiseNothingWasAppliedAreRefusals(String kind) {
        assertThat(LogAudit.isRefusal(kind)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"socket_error_outcome_unknown", "http_504", "http_502", "timeout", "socket_closed_4307",
            "socket_closed_1006"})
    void answersThatLeaveTheOutcomeOpenAreNot(String kind) {
        assertThat(LogAudit.isRefusal(kind)).isFalse();
    }
}
