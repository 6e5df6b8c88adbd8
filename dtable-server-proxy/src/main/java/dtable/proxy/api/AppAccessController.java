package dtable.proxy.api;

import static dtable.proxy.api.GatewayReplies.Refusal;

import dtable.core.bucket.BaseUuid;
import dtable.core.token.TokenClaims;
import dtable.proxy.apitoken.ApiTokenBackend;
import dtable.proxy.apitoken.ApiTokenStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The dtable-web endpoints that SeaTable's SDKs call before they load a base, answered by the proxy
 * because it is the clients' one origin (SPEC §9):
 * <ul>
 *   <li>{@code GET /api/v2.1/dtable/app-access-token/} with {@code Authorization: Token <API token>}:
 *       {@code {app_name, access_token, dtable_uuid, dtable_server, dtable_socket, workspace_id}}. The
 *       access token is the cluster's base JWT with {@code username} = the app name, the API token's
 *       permission and a 3-day expiry (SeaTable's). An unknown or revoked API token gets 401.</li>
 *   <li>{@code GET /api/v2.1/dtables/{uuid}/related-users/} and {@code .../departments/} with the
 *       access token: the cluster has no user directory, so no users and no departments, and the
 *       calling app as its only app user.</li>
 * </ul>
 * {@code dtable_server} is this origin plus {@code /api-gateway/} and {@code dtable_socket} the origin
 * itself (as a SeaTable 5 server answers), taken from {@code X-Forwarded-Proto/-Host} when an outer
 * proxy set them, else from the request. There are no workspaces: {@code workspace_id} is 0.
 */
@RestController
class AppAccessController {

    static final Duration ACCESS_TOKEN_TTL = Duration.ofDays(3);

    private final ApiTokenBackend backend;

    AppAccessController(ApiTokenBackend backend) {
        this.backend = backend;
    }

    @GetMapping({"/api/v2.1/dtable/app-access-token/", "/api/v2.1/dtable/app-access-token"})
    Mono<ResponseEntity<Object>> appAccessToken(ServerHttpRequest request,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        String origin = origin(request);
        return GatewayReplies.blocking(() -> {
            String apiToken = GatewayReplies.presented(authorization);
            ApiTokenStore.Holder holder = backend.store().find(apiToken).orElseThrow(() -> new Refusal(401,
                    "invalid_api_token", "the API token is unknown or has been revoked"));
            String accessToken = backend.tokens().mintBase(holder.base(), holder.appName(), holder.permission(),
                    ACCESS_TOKEN_TTL);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("app_name", holder.appName());
            answer.put("access_token", accessToken);
            answer.put("dtable_uuid", holder.base().value());
            answer.put("dtable_server", origin + "/api-gateway/");
            answer.put("dtable_socket", origin + "/");
            answer.put("dtable_db", origin + "/dtable-db/");
            answer.put("workspace_id", 0);
            answer.put("dtable_name", holder.base().value());
            return answer;
        });
    }

    @GetMapping({"/api/v2.1/dtables/{uuid}/related-users/", "/api/v2.1/dtables/{uuid}/related-users"})
    Mono<ResponseEntity<Object>> relatedUsers(@PathVariable String uuid,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        return GatewayReplies.blocking(() -> {
            TokenClaims claims = readerOf(uuid, authorization);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("user_list", List.of());
            answer.put("app_user_list", claims.username() == null ? List.of() : List.of(appUser(claims.username())));
            return answer;
        });
    }

    @GetMapping({"/api/v2.1/dtables/{uuid}/departments/", "/api/v2.1/dtables/{uuid}/departments"})
    Mono<ResponseEntity<Object>> departments(@PathVariable String uuid,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        return GatewayReplies.blocking(() -> {
            readerOf(uuid, authorization);
            return Map.of("departments", List.of());
        });
    }

    /** The access token's claims, when it may read the base: 400 bad UUID, 401 bad token, 403 another base. */
    private TokenClaims readerOf(String uuid, String authorization) {
        BaseUuid base = GatewayReplies.base(uuid);
        TokenClaims claims = GatewayReplies.claims(backend.tokens(), authorization);
        if (!claims.mayRead(base)) {
            throw new Refusal(403, "forbidden", "the token is for another base");
        }
        return claims;
    }

    private static Map<String, Object> appUser(String appName) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("email", appName);
        user.put("name", appName);
        user.put("contact_email", "");
        user.put("avatar_url", "");
        user.put("id_in_org", "");
        return user;
    }

    /** {@code scheme://host[:port]} as the client sees this proxy. */
    static String origin(ServerHttpRequest request) {
        HttpHeaders headers = request.getHeaders();
        String proto = first(headers.getFirst("X-Forwarded-Proto"));
        String host = first(headers.getFirst("X-Forwarded-Host"));
        if (proto == null) {
            proto = request.getURI().getScheme() == null ? "http" : request.getURI().getScheme();
        }
        if (host == null) {
            host = headers.getFirst(HttpHeaders.HOST);
        }
        if (host == null) {
            host = request.getURI().getRawAuthority();
        }
        return proto + "://" + host;
    }

    private static String first(String listValue) {
        if (listValue == null || listValue.isBlank()) {
            return null;
        }
        int comma = listValue.indexOf(',');
        return (comma < 0 ? listValue : listValue.substring(0, comma)).trim();
    }
}
