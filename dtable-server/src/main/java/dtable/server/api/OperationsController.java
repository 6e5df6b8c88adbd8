package dtable.server.api;

import dtable.core.bucket.BaseUuid;
import dtable.model.stored.LoggedOperation;
import dtable.server.base.LoadedBase;
import dtable.server.storage.BaseStore;
import dtable.web.ApiException;
import dtable.web.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Raw operations: apply one, or read the log after a version (catch-up for clients and tools). */
@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
public class OperationsController {

    static final int MAX_LIMIT = 10_000;

    private final BaseAccess access;
    private final BaseStore store;

    public OperationsController(BaseAccess access, BaseStore store) {
        this.access = access;
        this.store = store;
    }

    @PostMapping(path = {"/api/v1/dtables/{uuid}/operations/", "/api/v1/dtables/{uuid}/operations"})
    public String apply(@PathVariable String uuid, @RequestBody(required = false) byte[] body,
            HttpServletRequest request, HttpServletResponse response) {
        return access.write(uuid, body, request, response, (base, operation) -> operation,
                (base, op) -> Json.write(Json.newObject().put("version", base.version())));
    }

    @GetMapping(path = {"/api/v1/dtables/{uuid}/operations/", "/api/v1/dtables/{uuid}/operations"})
    public String list(@PathVariable String uuid, @RequestParam(name = "from_version", defaultValue = "0") long fromVersion,
            @RequestParam(name = "limit", defaultValue = "1000") int limit, HttpServletRequest request) {
        BaseUuid id = BaseUuid.parse(uuid);
        access.authorizer().read(request, id);
        if (fromVersion < 0 || limit < 1) {
            throw ApiException.badRequest("invalid_parameter", "from_version must be >= 0 and limit >= 1");
        }
        if (limit > MAX_LIMIT) {
            throw ApiException.badRequest("over_limit", "limit " + limit + " is over " + MAX_LIMIT);
        }
        LoadedBase base = access.registry().acquire(id);
        long durable = base.durableVersion();
        List<LoggedOperation> ops = store.readLog(id.value(), fromVersion, limit);
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (LoggedOperation op : ops) {
            if (op.version() > durable) {
                break;
            }
            ObjectNode item = list.addObject().put("version", op.version()).put("op_time", op.opTime())
                    .put("author", op.author());
            item.set("operation", Json.MAPPER.readTree(op.operation()));
        }
        ObjectNode answer = Json.newObject();
        answer.set("operations", list);
        return Json.write(answer);
    }
}
