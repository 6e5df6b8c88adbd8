package dtable.server.api;

import dtable.model.rest.RestCommands;
import dtable.web.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

/** Tables and columns: POST inserts, PUT renames or changes (SeaTable's {@code op_type}), DELETE removes. */
@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
public class SchemaController {

    private final BaseAccess access;

    public SchemaController(BaseAccess access) {
        this.access = access;
    }

    @RequestMapping(path = {"/api/v1/dtables/{uuid}/tables/", "/api/v1/dtables/{uuid}/tables"},
            method = {RequestMethod.POST, RequestMethod.PUT, RequestMethod.DELETE})
    public String tables(@PathVariable String uuid, @RequestBody(required = false) byte[] body,
            HttpServletRequest request, HttpServletResponse response) {
        String method = request.getMethod();
        return access.write(uuid, body, request, response, (base, json) -> RestCommands.tableCommand(method, json),
                (base, op) -> answer(op.json(), base.version()));
    }

    @RequestMapping(path = {"/api/v1/dtables/{uuid}/columns/", "/api/v1/dtables/{uuid}/columns"},
            method = {RequestMethod.POST, RequestMethod.PUT, RequestMethod.DELETE})
    public String columns(@PathVariable String uuid, @RequestBody(required = false) byte[] body,
            HttpServletRequest request, HttpServletResponse response) {
        String method = request.getMethod();
        return access.write(uuid, body, request, response,
                (base, json) -> RestCommands.columnCommand(base, method, json),
                (base, op) -> answer(op.json(), base.version()));
    }

    /** {@code {"success": true, "version": n, "operation": <as logged>}}: the logged operation names generated ids. */
    private static String answer(ObjectNode operation, long version) {
        ObjectNode answer = Json.newObject().put("success", true).put("version", version);
        answer.set("operation", operation);
        return Json.write(answer);
    }
}
