package dtable.web;

import dtable.core.bucket.BaseUuid;
import dtable.core.token.TokenClaims;
import dtable.core.token.TokenService;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Token checks of SPEC §7: {@code Authorization: Token <jwt>}; missing or bad → 401; a token for
 * another base, or a read-only token on a write → 403. Internal tokens act on every base.
 */
public final class Authorizer {

    private final TokenService tokens;

    public Authorizer(TokenService tokens) {
        this.tokens = tokens;
    }

    public TokenClaims claims(HttpServletRequest request) {
        return claims(request.getHeader("Authorization"));
    }

    public TokenClaims claims(String authorizationHeader) {
        return tokens.verify(TokenService.fromAuthorizationHeader(authorizationHeader));
    }

    public TokenClaims read(HttpServletRequest request, BaseUuid base) {
        TokenClaims claims = claims(request);
        if (!claims.mayRead(base)) {
            throw new ApiException(403, "permission_denied", "token does not grant access to dtable " + base);
        }
        return claims;
    }

    public TokenClaims write(HttpServletRequest request, BaseUuid base) {
        TokenClaims claims = read(request, base);
        if (!claims.mayWrite(base)) {
            throw new ApiException(403, "permission_denied", "token is read-only for dtable " + base);
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

    /** Who an operation is attributed to. */
    public static String author(TokenClaims claims) {
        if (claims.username() != null) {
            return claims.username();
        }
        return claims.internal() ? "internal" : "anonymous";
    }
}
