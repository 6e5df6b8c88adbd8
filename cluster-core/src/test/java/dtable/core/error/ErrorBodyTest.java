package dtable.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorBodyTest {

    @Test
    void writesTheTwoFieldsInOrderAndEscapes() {
        assertThat(ErrorBody.json(ErrorType.INVALID_JSON, "bad \"body\""))
                .isEqualTo("{\"error_type\":\"invalid_json\",\"error_msg\":\"bad \\\"body\\\"\"}");
    }

    @Test
    void wireNamesAreTheLowerCaseEnumNames() {
        assertThat(ErrorType.REQUEST_TOO_LARGE.wireName()).isEqualTo("request_too_large");
        assertThat(ErrorType.REQUEST_TOO_LARGE.status()).isEqualTo(413);
        assertThat(ErrorType.OUTCOME_UNKNOWN.status()).isEqualTo(504);
    }
}
