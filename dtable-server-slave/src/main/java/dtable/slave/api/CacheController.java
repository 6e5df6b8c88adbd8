package dtable.slave.api;

import dtable.slave.cache.BaseCache;
import dtable.web.Authorizer;
import dtable.web.Json;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /api/v1/slave/cache/} (internal token): what the slave holds, for operators —
 * {@code {"node_id","max_cached_rows","cached_rows","document_bytes","loads","evictions",
 * "bases":[{"dtable_uuid","rows","version"}]}}, bases least recently used first.
 */
@RestController
public class CacheController {

    private final BaseCache cache;
    private final Authorizer authorizer;
    private final String nodeId;

    public CacheController(BaseCache cache, Authorizer authorizer, SlaveIdentity identity) {
        this.cache = cache;
        this.authorizer = authorizer;
        this.nodeId = identity.nodeId();
    }

    /** The slave's {@code node_id}, as a bean. */
    public record SlaveIdentity(String nodeId) {
    }

    @GetMapping(path = {"/api/v1/slave/cache/", "/api/v1/slave/cache"})
    public ResponseEntity<String> cache(HttpServletRequest request) {
        authorizer.internal(request);
        ObjectNode answer = Json.newObject().put("node_id", nodeId).put("max_cached_rows", cache.maxCachedRows())
                .put("cached_rows", cache.cachedRows()).put("document_bytes", cache.documentBytes())
                .put("loads", cache.loads()).put("evictions", cache.evictions());
        ArrayNode bases = answer.putArray("bases");
        for (BaseCache.Entry entry : cache.entries()) {
            bases.addObject().put("dtable_uuid", entry.dtableUuid()).put("rows", entry.rows())
                    .put("version", entry.version());
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Json.write(answer));
    }
}
