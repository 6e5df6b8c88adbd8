package dtable.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PermissionTest {

    @Test
    void claimValuesRoundTrip() {
        for (Permission permission : Permission.values()) {
            assertThat(Permission.fromClaim(permission.claim())).isEqualTo(permission);
        }
        assertThat(Permission.fromClaim("RW")).isEqualTo(Permission.READ_WRITE);
        assertThat(Permission.READ.allowsWrite()).isFalse();
    }

    @Test
    void unknownValuesAreRefused() {
        assertThatThrownBy(() -> Permission.fromClaim("admin")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Permission.fromClaim(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
