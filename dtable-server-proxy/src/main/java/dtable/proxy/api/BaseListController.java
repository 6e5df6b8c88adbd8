package dtable.proxy.api;

import dtable.core.bucket.BaseUuid;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.NodeInfo;
import dtable.core.error.ErrorBody;
import dtable.core.error.ErrorType;
import dtable.proxy.routing.RoutingTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /api/v1/admin/dtables/}: the bases of the cluster, for the page at {@code /}. Bases live in
 * MySQL, which the proxy does not read, so any live node answers (the token, {@code limit} and errors are
 * the node's); the proxy adds {@code node_id}, the owner of each base's bucket in its routing table.
 * A node that refuses the connection or answers 5xx is skipped for the next one.
 */
@RestController
class BaseListController {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final RoutingTable table;
    private final WebClient client = WebClient.builder()
            .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build();

    BaseListController(RoutingTable table) {
        this.table = table;
    }

    @GetMapping({"/api/v1/admin/dtables/", "/api/v1/admin/dtables"})
    Mono<ResponseEntity<String>> bases(ServerHttpRequest request) {
        BucketMap map = table.current();
        List<NodeInfo> nodes = new ArrayList<>(map.nodes().values());
        String query = request.getURI().getRawQuery();
        String path = "api/v1/admin/dtables/" + (query == null ? "" : "?" + query);
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        return ask(nodes, 0, path, authorization, map);
    }

    private Mono<ResponseEntity<String>> ask(List<NodeInfo> nodes, int index, String path, String authorization,
            BucketMap map) {
        if (index >= nodes.size()) {
            return Mono.just(ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(ErrorBody.json(ErrorType.BASE_UNAVAILABLE, "no dtable-server answered")));
        }
        NodeInfo node = nodes.get(index);
        String base = node.localNodeUrl().endsWith("/") ? node.localNodeUrl() : node.localNodeUrl() + "/";
        return client.get().uri(base + path)
                .headers(h -> {
                    if (authorization != null) {
                        h.set(HttpHeaders.AUTHORIZATION, authorization);
                    }
                })
                .exchangeToMono(answer -> answer.bodyToMono(String.class).defaultIfEmpty("")
                        .map(body -> ResponseEntity.status(answer.statusCode()).contentType(MediaType.APPLICATION_JSON)
                                .body(answer.statusCode().is2xxSuccessful() ? withOwners(body, map) : body)))
                .timeout(TIMEOUT)
                .filter(answer -> !answer.getStatusCode().is5xxServerError())
                .onErrorResume(e -> Mono.empty())
                .switchIfEmpty(Mono.defer(() -> ask(nodes, index + 1, path, authorization, map)));
    }

    private static String withOwners(String body, BucketMap map) {
        JsonNode answer = JSON.readTree(body);
        for (JsonNode base : answer.path("dtables")) {
            String uuid = base.path("dtable_uuid").asString();
            if (BaseUuid.isValid(uuid) && base instanceof ObjectNode object) {
                object.put("node_id", map.owner(BaseUuid.parse(uuid).bucket()));
            }
        }
        return JSON.writeValueAsString(answer);
    }
}
