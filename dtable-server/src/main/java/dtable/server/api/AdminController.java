package dtable.server.api;

import dtable.core.bucket.Bucket;
import dtable.server.base.LoadedBase;
import dtable.server.cluster.Ownership;
import dtable.server.storage.BaseStore;
import dtable.server.storage.BaseSummary;
import dtable.web.ApiException;
import dtable.web.Json;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Admin reads (internal token): {@code GET /api/v1/admin/node/}, what this node serves and holds, and
 * {@code GET /api/v1/admin/dtables/}, the bases of the cluster (from MySQL, so any node answers it).
 */
@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
public class AdminController {

    private final BaseAccess access;
    private final Ownership ownership;
    private final String nodeUrl;
    private final BaseStore store;

    public AdminController(BaseAccess access, Ownership ownership, dtable.server.NodeIdentity identity, BaseStore store) {
        this.access = access;
        this.ownership = ownership;
        this.nodeUrl = identity.nodeUrl();
        this.store = store;
    }

    /** Largest {@code limit} of the base listing. */
    static final int MAX_LISTED_BASES = 10_000;

    @GetMapping(path = {"/api/v1/admin/dtables/", "/api/v1/admin/dtables"})
    public String bases(HttpServletRequest request) {
        access.authorizer().internal(request);
        int limit = listLimit(request.getParameter("limit"));
        ObjectNode answer = Json.newObject();
        ArrayNode bases = answer.putArray("dtables");
        for (BaseSummary base : store.list(limit)) {
            bases.addObject().put("dtable_uuid", base.dtableUuid()).put("row_count", base.rowCount())
                    .put("snapshot_version", base.snapshotVersion()).put("created_at", base.createdAt())
                    .put("updated_at", base.updatedAt());
        }
        return Json.write(answer);
    }

    private static int listLimit(String text) {
        if (text == null) {
            return 1000;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 0 && limit <= MAX_LISTED_BASES) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiException(400, "invalid_parameter", "limit must be an integer from 0 to " + MAX_LISTED_BASES);
    }

    @GetMapping(path = {"/api/v1/admin/node/", "/api/v1/admin/node"})
    public String node(HttpServletRequest request) {
        access.authorizer().internal(request);
        ObjectNode answer = Json.newObject().put("node_id", ownership.nodeId()).put("node_url", nodeUrl)
                .put("registered", ownership.registered()).put("lease_losses", ownership.leaseLosses()).put("map_revision", ownership.map().revision());
        ArrayNode buckets = answer.putArray("buckets");
        for (Bucket bucket : ownership.ownedBuckets()) {
            buckets.addObject().put("bucket", bucket.hex()).put("token", ownership.token(bucket));
        }
        ArrayNode bases = answer.putArray("loaded_bases");
        for (LoadedBase base : access.registry().loadedBases()) {
            bases.addObject().put("dtable_uuid", base.uuid().value()).put("version", base.durableVersion())
                    .put("rows", base.rowCount()).put("epoch", base.epoch()).put("state", base.state().name())
                    .put("sockets", base.room().size());
        }
        answer.put("loaded_rows", access.registry().loadedRows());
        return Json.write(answer);
    }
}
