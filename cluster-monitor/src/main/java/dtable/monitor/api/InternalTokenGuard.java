package dtable.monitor.api;

import dtable.core.token.TokenClaims;
import dtable.core.token.TokenException;
import dtable.core.token.TokenService;
import dtable.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * Admin endpoints (SPEC §10) need an internal token: {@code Authorization: Token <jwt>} whose payload
 * has {@code "is_internal": true}. The Server-Sent-Events stream also accepts {@code ?token=} because a
 * browser's EventSource cannot set headers. Missing or bad token: 401; a valid non-internal token: 403.
 */
@Component
public class InternalTokenGuard {

    private final TokenService tokens;

    public InternalTokenGuard(TokenService tokens) {
        this.tokens = tokens;
    }

    /** Checks the header, or when it is absent the query token (may be null). */
    public void require(String authorization, String queryToken) {
        String token;
        try {
            token = authorization == null && queryToken != null && !queryToken.isBlank()
                    ? queryToken.trim()
                    : TokenService.fromAuthorizationHeader(authorization);
        } catch (TokenException e) {
            throw new ApiException(401, "unauthorized",
                    e.getMessage() + "; admin endpoints need \"Authorization: Token <internal jwt>\"");
        }
        TokenClaims claims;
        try {
            claims = tokens.verify(token);
        } catch (TokenException e) {
            throw new ApiException(401, "unauthorized", e.getMessage());
        }
        if (!claims.internal()) {
            throw new ApiException(403, "forbidden", "an internal token is required for cluster-monitor admin endpoints");
        }
    }

    public void require(String authorization) {
        require(authorization, null);
    }
}
