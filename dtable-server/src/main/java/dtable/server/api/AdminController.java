package dtable.server.api;

import dtable.core.bucket.Bucket;
import dtable.server.base.LoadedBase;
import dtable.server.cluster.Ownership;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /api/v1/admin/node/}: what this node serves and holds (internal token). */
@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
public class AdminController {

    private final BaseAccess access;
    private final Ownership ownership;
    private final String nodeUrl;

    public AdminController(BaseAccess access, Ownership ownership, dtable.server.NodeIdentity identity) {
        this.access = access;
        this.ownership = ownership;
        this.nodeUrl = identity.nodeUrl();
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
