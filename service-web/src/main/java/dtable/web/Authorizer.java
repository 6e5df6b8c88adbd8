package dtable.web;

import dtable.core.bucket.BaseUuid;
import dtable.core.error.ErrorType;
import dtable.core.token.TokenClaims;
import dtable.core.token.TokenService;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Token checks of SPEC §7, for every servlet service: {@code Authorization: Token <jwt>}; missing or bad
 * → 401 (a {@link dtable.core.token.TokenException}, answered by the service's advice); a token for
 * another base, a read-only token on a write, or a non-internal token where an internal one is needed
 * → 403. Internal tokens act on every base. Thread-safe.
 */
public final class Authorizer {

    private final TokenService tokens;
    private final ErrorType denied;

    /** 403s answer {@code permission_denied} (the nodes' API). */
    public Authorizer(TokenService tokens) {
        this(tokens, ErrorType.PERMISSION_DENIED);
    }

    /** @param denied the {@code error_type} of a 403 (the monitor's admin API has always said {@code forbidden}) */
    public Authorizer(TokenService tokens, ErrorType denied) {
        this.tokens = tokens;
        this.denied = denied;
    }

    public TokenClaims claims(HttpServletRequest request) {
        return claims(request.getHeader("Authorization"));
    }

    public TokenClaims claims(String authorizationHeader) {
        return tokens.verify(TokenService.fromAuthorizationHeader(authorizationHeader));
    }

    public TokenClaims read(HttpServletRequest request, BaseUuid base) {
        return read(request.getHeader("Authorization"), base);
    }

    public TokenClaims read(String authorizationHeader, BaseUuid base) {
        TokenClaims claims = claims(authorizationHeader);
        if (!claims.mayRead(base)) {
            throw new ApiException(403, denied, "token does not grant access to dtable " + base);
        }
        return claims;
    }

    public TokenClaims write(HttpServletRequest request, BaseUuid base) {
        return write(request.getHeader("Authorization"), base);
    }

    public TokenClaims write(String authorizationHeader, BaseUuid base) {
        TokenClaims claims = read(authorizationHeader, base);
        if (!claims.mayWrite(base)) {
            throw new ApiException(403, denied, "token is read-only for dtable " + base);
        }
        return claims;
    }

    public TokenClaims internal(HttpServletRequest request) {
        return internal(request.getHeader("Authorization"), null);
    }

    /**
     * An internal token from the {@code Authorization} header or, when the header is absent, from
     * {@code queryToken} (may be null): a browser's EventSource cannot set headers.
     */
    public TokenClaims internal(String authorizationHeader, String queryToken) {
        String token = authorizationHeader == null && queryToken != null && !queryToken.isBlank()
                ? queryToken.trim()
                : TokenService.fromAuthorizationHeader(authorizationHeader);
        TokenClaims claims = tokens.verify(token);
        if (!claims.internal()) {
            throw new ApiException(403, denied, "an internal token is required");
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
