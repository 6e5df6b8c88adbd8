package dtable.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dtable.core.bucket.BaseUuid;
import dtable.core.error.ErrorType;
import dtable.core.token.Permission;
import dtable.core.token.TokenException;
import dtable.core.token.TokenService;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class AuthorizerTest {

    private static final BaseUuid BASE = BaseUuid.parse("8f3a0000-0000-4000-8000-000000000001");
    private static final BaseUuid OTHER = BaseUuid.parse("8f3a0000-0000-4000-8000-000000000002");

    private final TokenService tokens = new TokenService("k".repeat(40), Clock.systemUTC());
    private final Authorizer nodes = new Authorizer(tokens);
    private final Authorizer monitor = new Authorizer(tokens, ErrorType.FORBIDDEN);

    private static MockHttpServletRequest with(String token) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        if (token != null) {
            request.addHeader("Authorization", "Token " + token);
        }
        return request;
    }

    private String base(Permission permission) {
        return tokens.mintBase(BASE, "alice", permission, Duration.ofMinutes(5));
    }

    @Test
    void readWriteAndInternalChecks() {
        assertThat(nodes.read(with(base(Permission.READ)), BASE).username()).isEqualTo("alice");
        assertThat(nodes.write(with(base(Permission.READ_WRITE)), BASE).username()).isEqualTo("alice");
        assertThat(nodes.write(with(tokens.mintInternal(Duration.ofMinutes(5))), OTHER).internal()).isTrue();
        assertDenied(() -> nodes.write(with(base(Permission.READ)), BASE), "permission_denied", "read-only");
        assertDenied(() -> nodes.read(with(base(Permission.READ_WRITE)), OTHER), "permission_denied", "does not grant");
        assertDenied(() -> nodes.internal(with(base(Permission.READ_WRITE))), "permission_denied", "internal token");
    }

    @Test
    void missingOrBadTokensAreTokenExceptions() {
        assertThatThrownBy(() -> nodes.read(with(null), BASE)).isInstanceOf(TokenException.class);
        assertThatThrownBy(() -> nodes.read(with("not-a-jwt"), BASE)).isInstanceOf(TokenException.class);
    }

    @Test
    void internalTakesTheQueryTokenOnlyWithoutAHeader() {
        String internal = tokens.mintInternal(Duration.ofMinutes(5));
        assertThat(monitor.internal(null, internal).internal()).isTrue();
        assertDenied(() -> monitor.internal("Token " + base(Permission.READ_WRITE), internal), "forbidden",
                "internal token");
        assertThatThrownBy(() -> monitor.internal(null, " ")).isInstanceOf(TokenException.class);
    }

    private static void assertDenied(Runnable check, String type, String message) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.errorType()).isEqualTo(type);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
