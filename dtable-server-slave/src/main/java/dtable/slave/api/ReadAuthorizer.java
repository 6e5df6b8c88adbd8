package dtable.slave.api;

import dtable.core.bucket.BaseUuid;
import dtable.core.token.TokenClaims;
import dtable.core.token.TokenService;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The dtable-server's token checks (SPEC §7), for reads: {@code Authorization: Token <jwt>}; missing or
 * bad → 401 (a {@link dtable.core.token.TokenException}); a token for another base → 403. Internal
 * tokens read every base. Thread-safe.
 */
public final class ReadAuthorizer {

    private final TokenService tokens;

    public ReadAuthorizer(TokenService tokens) {
        this.tokens = tokens;
    }

    public TokenClaims read(HttpServletRequest request, BaseUuid base) {
        TokenClaims claims = claims(request);
        if (!claims.mayRead(base)) {
            throw new ApiException(403, "permission_denied", "token does not grant access to dtable " + base);
        }
        return claims;
    }

    public TokenClaims internal(HttpServletRequest request) {
        TokenClaims claims = claims(request);
        if (!claims.internal()) {
            throw new ApiException(403, "permission_denied", "an internal token is required");
        }
        return claims;
    }

    private TokenClaims claims(HttpServletRequest request) {
        return tokens.verify(TokenService.fromAuthorizationHeader(request.getHeader("Authorization")));
    }
}
