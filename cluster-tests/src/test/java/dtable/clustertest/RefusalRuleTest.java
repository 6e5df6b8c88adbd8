package dtable.clustertest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which client-visible errors the checker treats as "not applied" (a retry would be safe). */
class RefusalRuleTest {

    @Test
    void answersThatPromiseNothingWasAppliedAreRefusals() {
        assertThat(LogAudit.isRefusal("http_503")).isTrue();
        assertThat(LogAudit.isRefusal("http_307")).isTrue();
        assertThat(LogAudit.isRefusal("socket_error_base_unavailable")).isTrue();
        assertThat(LogAudit.isRefusal("socket_error_invalid_operation")).isTrue();
    }

    @Test
    void answersThatLeaveTheOutcomeOpenAreNot() {
        assertThat(LogAudit.isRefusal("socket_error_outcome_unknown")).isFalse();
        assertThat(LogAudit.isRefusal("http_504")).isFalse();
        assertThat(LogAudit.isRefusal("http_502")).isFalse();
        assertThat(LogAudit.isRefusal("timeout")).isFalse();
        assertThat(LogAudit.isRefusal("socket_closed_4307")).isFalse();
        assertThat(LogAudit.isRefusal("socket_closed_1006")).isFalse();
    }
}
