package dtable.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

    @Test
    void handWrittenFormatAndParseAgreeWithJavaTime() {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 100_000; i++) {
            long millis = random.nextLong(-62_000_000_000_000L, 253_000_000_000_000L);
            String expected = Instant.ofEpochMilli(millis).toString();
            String formatted = Timestamps.format(millis);
            assertThat(formatted).hasSize(24).startsWith(expected.substring(0, 19));
            assertThat(Instant.parse(formatted).toEpochMilli()).isEqualTo(millis);
            assertThat(Timestamps.parse(formatted)).isEqualTo(millis);
        }
    }

    @Test
    void otherIsoShapesAreAccepted() {
        assertThat(Timestamps.parse("2021-03-10T08:54:40.460+00:00")).isEqualTo(Instant.parse("2021-03-10T08:54:40.460Z").toEpochMilli());
        assertThat(Timestamps.parse("2021-03-10T08:54:40Z")).isEqualTo(Instant.parse("2021-03-10T08:54:40Z").toEpochMilli());
        assertThat(Timestamps.parse("2021-03-10T08:54:40")).isEqualTo(Instant.parse("2021-03-10T08:54:40Z").toEpochMilli());
        assertThat(Timestamps.format(Long.MAX_VALUE / 1000)).contains("T");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "2021-02-30T00:00:00.000Z", "2021-03-10T24:00:00.000Z", "2021-03-10"})
    void nonsenseIsRefused(String text) {
        assertThatThrownBy(() -> Timestamps.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-01-31", "2000-02-29", "2024-12-31 23:59", "2024-12-31T23:59:59",
        "2024-12-31T23:59:59.123456789", "2024-12-31T23:59Z", "2024-12-31 23:59:59-05:30"})
    void validDates(String text) {
        assertThat(DateValues.isValid(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-1-31", "1900-02-29", "2024-04-31", "2024-12-31T", "2024-12-31T23", "2024-12-31T23:60",
        "2024-12-31T23:59:60", "2024-12-31T23:59:59.", "2024-12-31T23:59:59.1234567890", "2024-12-31T23:59+0530",
        "2024-12-31X23:59", "2024-12-31 23:59 ", "２０２４-01-01"})
    void invalidDates(String text) {
        assertThat(DateValues.isValid(text)).isFalse();
    }
}
