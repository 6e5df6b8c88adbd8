package dtable.core.bucket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class BaseUuidTest {

    private static final String NORMAL = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "0a1b2c3d-4e5f-6789-abcd-ef0123456789, normal form",
            "0A1B2C3D-4E5F-6789-ABCD-EF0123456789, upper case",
            "0a1B2c3D-4e5F-6789-aBcD-eF0123456789, mixed case",
            "0a1b2c3d4e5f6789abcdef0123456789,     32 digits",
            "0A1B2C3D4E5F6789ABCDEF0123456789,     32 digits in upper case",
    })
    void everyAcceptedFormParsesToTheNormalForm(String text, String form) {
        BaseUuid uuid = BaseUuid.parse(text);

        assertThat(uuid.value()).as(form).isEqualTo(NORMAL);
        assertThat(uuid).isEqualTo(new BaseUuid(NORMAL));
        assertThat(BaseUuid.isValid(text)).isTrue();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {
            "0a1b2c3d-4e5f-6789-abcd-ef012345678",     // 35 characters
            "0a1b2c3d-4e5f-6789-abcd-ef01234567890",   // 37
            "0a1b2c3d4e5f6789abcdef012345678",         // 31 digits
            "0a1b2c3d4e5f6789abcdef01234567890",       // 33
            "0a1b2c3d-4e5f-6789-abcd-ef012345678g",    // not hex
            "0a1b2c3d4e5f6789abcdef012345678g",        // not hex, 32
            "0a1b2c3-d4e5f-6789-abcd-ef0123456789",    // a dash out of place
            "0a1b2c3d-4e5f-6789-abcdef-0123456789",    // a dash out of place
            "0a1b2c3d+4e5f-6789-abcd-ef0123456789",    // not a dash
            "0a1b2c3d-4e5f-6789-abcd-ef01234567-9",    // a dash for a digit
            "0a1b2c3d4e5f6789abcdef0123456789----",    // 36 characters, dashes at the end
            "0a1b2c3d-4e5f-6789-abcd-ef012345678\u0669", // a non-ASCII digit
    })
    void anythingElseIsRefused(String text) {
        assertThatThrownBy(() -> BaseUuid.parse(text)).isInstanceOf(InvalidBaseUuidException.class);
        assertThat(BaseUuid.isValid(text)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0A1B2C3D-4E5F-6789-ABCD-EF0123456789", "0a1b2c3d4e5f6789abcdef0123456789", "0a1b2c3d"})
    void theConstructorTakesOnlyTheNormalForm(String text) {
        assertThatThrownBy(() -> new BaseUuid(text)).isInstanceOf(InvalidBaseUuidException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {NORMAL, "0A1B2C3D4E5F6789ABCDEF0123456789"})
    void bucketAndCompactFormComeFromTheNormalForm(String text) {
        BaseUuid uuid = BaseUuid.parse(text);

        assertThat(uuid.bucket()).isEqualTo(Bucket.of("0a"));
        assertThat(uuid.compact()).isEqualTo("0a1b2c3d4e5f6789abcdef0123456789");
        assertThat(uuid.toString()).isEqualTo(NORMAL);
    }
}
