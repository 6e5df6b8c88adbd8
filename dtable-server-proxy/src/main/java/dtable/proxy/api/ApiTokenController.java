package dtable.proxy.api;

import static dtable.proxy.api.GatewayReplies.Refusal;

import dtable.core.bucket.BaseUuid;
import dtable.core.token.Permission;
import dtable.proxy.apitoken.ApiTokenBackend;
import dtable.proxy.apitoken.ApiTokenStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * API tokens of a base (SPEC §9), managed with an internal token:
 * {@code POST /api/v1/dtables/{uuid}/api-tokens/} with {@code {"app_name", "permission": "rw"|"r"}}
 * creates one (a second for the same app replaces the first) and answers
 * {@code {"app_name", "api_token", "permission"}}; {@code GET} lists {@code {app_name, permission,
 * created_at}} under {@code api_tokens}, never the tokens; {@code DELETE .../api-tokens/{app_name}/}
 * revokes one (404 when the app has none). The forwarding handler passes these paths to Spring.
 */
@RestController
class ApiTokenController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ApiTokenBackend backend;

    ApiTokenController(ApiTokenBackend backend) {
        this.backend = backend;
    }

    @PostMapping({"/api/v1/dtables/{uuid}/api-tokens/", "/api/v1/dtables/{uuid}/api-tokens"})
    Mono<ResponseEntity<Object>> create(@PathVariable String uuid,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestBody(required = false) byte[] body) {
        return GatewayReplies.blocking(() -> {
            GatewayReplies.requireInternal(backend.tokens(), authorization);
            BaseUuid base = GatewayReplies.base(uuid);
            JsonNode json = parse(body);
            String appName = text(json, "app_name");
            String permissionText = json.has("permission") ? text(json, "permission") : "rw";
            Permission permission;
            try {
                ApiTokenStore.checkAppName(appName);
                permission = Permission.fromClaim(permissionText);
            } catch (IllegalArgumentException e) {
                throw new Refusal(400, "invalid_parameter", e.getMessage());
            }
            ApiTokenStore.Issued issued = backend.store().create(base, appName, permission);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("app_name", issued.appName());
            answer.put("api_token", issued.apiToken());
            answer.put("permission", issued.permission().claim());
            return answer;
        });
    }

    @GetMapping({"/api/v1/dtables/{uuid}/api-tokens/", "/api/v1/dtables/{uuid}/api-tokens"})
    Mono<ResponseEntity<Object>> list(@PathVariable String uuid,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        return GatewayReplies.blocking(() -> {
            GatewayReplies.requireInternal(backend.tokens(), authorization);
            BaseUuid base = GatewayReplies.base(uuid);
            List<Map<String, Object>> tokens = new ArrayList<>();
            for (ApiTokenStore.Listed listed : backend.store().list(base)) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("app_name", listed.appName());
                entry.put("permission", listed.permission().claim());
                entry.put("created_at", listed.createdAt().toString());
                tokens.add(entry);
            }
            return Map.of("api_tokens", tokens);
        });
    }

    @DeleteMapping({"/api/v1/dtables/{uuid}/api-tokens/{appName}/", "/api/v1/dtables/{uuid}/api-tokens/{appName}"})
    Mono<ResponseEntity<Object>> revoke(@PathVariable String uuid, @PathVariable String appName,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        return GatewayReplies.blocking(() -> {
            GatewayReplies.requireInternal(backend.tokens(), authorization);
            BaseUuid base = GatewayReplies.base(uuid);
            if (!backend.store().revoke(base, appName)) {
                throw new Refusal(404, "not_found", "app " + appName + " has no API token on base " + base.value());
            }
            return Map.of("success", true);
        });
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new Refusal(400, "invalid_json", "a JSON body {\"app_name\", \"permission\"} is required");
        }
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null || !json.isObject()) {
                throw new Refusal(400, "invalid_json", "the body must be a JSON object");
            }
            return json;
        } catch (JacksonException e) {
            throw new Refusal(400, "invalid_json", "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            throw new Refusal(400, "invalid_parameter", field + " is required");
        }
        if (!value.isString()) {
            throw new Refusal(400, "invalid_parameter", field + " must be a string");
        }
        return value.asString();
    }
}
