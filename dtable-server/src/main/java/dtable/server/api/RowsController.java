package dtable.server.api;

import dtable.model.Base;
import dtable.model.Operation;
import dtable.model.rest.RestCommands;
import dtable.model.rest.RestViews;
import dtable.web.ApiException;
import dtable.web.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.function.BiFunction;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Row endpoints with SeaTable's paths and bodies; REST bodies name columns, the model stores keys. */
@RestController
@org.springframework.web.bind.annotation.RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
public class RowsController {

    private final BaseAccess access;
    private final Limits limits;

    /** Request limits of SPEC §7. */
    public record Limits(int rowsApiMaxLimit, int batchMaxRows, int batchDeleteMaxRows) {
    }

    /**
     * One of the six row writes: its method and path segment ({@code /api/v1/dtables/{uuid}/<segment>/}), the
     * operation it makes of a request body, and its answer, built from the new state.
     */
    record RowWrite(String method, String segment, BiFunction<Base, ObjectNode, JsonNode> command,
            BiFunction<Base, Operation, String> answer) {
    }

    private final RowWrite append;
    private final RowWrite update;
    private final RowWrite delete;
    private final RowWrite batchAppend;
    private final RowWrite batchUpdate;
    private final RowWrite batchDelete;

    public RowsController(BaseAccess access, Limits limits) {
        this.access = access;
        this.limits = limits;
        append = new RowWrite("POST", "rows", RestCommands::appendRow,
                (base, op) -> Json.write(RestViews.rowByName(base, tableIdOf(op), firstNewRowId(op))));
        update = new RowWrite("PUT", "rows", RestCommands::updateRow,
                (base, op) -> Json.write(Json.newObject().put("success", true).put("version", base.version())));
        delete = new RowWrite("DELETE", "rows", RestCommands::deleteRow,
                (base, op) -> Json.write(Json.newObject().put("deleted_rows", 1).put("version", base.version())));
        batchAppend = new RowWrite("POST", "batch-append-rows",
                (base, json) -> RestCommands.batchAppend(base, json, limits.batchMaxRows()),
                (base, op) -> {
                    ArrayNode ids = newRowIds(op);
                    ObjectNode answer = Json.newObject().put("inserted_row_count", ids.size());
                    answer.set("row_ids", ids);
                    return Json.write(answer.put("version", base.version()));
                });
        batchUpdate = new RowWrite("PUT", "batch-update-rows",
                (base, json) -> RestCommands.batchUpdate(base, json, limits.batchMaxRows()),
                (base, op) -> Json.write(Json.newObject().put("success", true).put("version", base.version())));
        batchDelete = new RowWrite("DELETE", "batch-delete-rows",
                (base, json) -> RestCommands.batchDelete(base, json, limits.batchDeleteMaxRows()),
                (base, op) -> Json.write(Json.newObject().put("deleted_rows", op.json().path("row_ids").size())
                        .put("version", base.version())));
    }

    @GetMapping(path = {"/api/v1/dtables/{uuid}/rows/", "/api/v1/dtables/{uuid}/rows"})
    public String list(@PathVariable String uuid, @RequestParam(name = "table_name", required = false) String tableName,
            @RequestParam(name = "table_id", required = false) String tableId,
            @RequestParam(name = "start", defaultValue = "0") int start,
            @RequestParam(name = "limit", required = false) Integer limit, HttpServletRequest request,
            HttpServletResponse response) {
        int max = limits.rowsApiMaxLimit();
        int count = limit == null ? max : limit;
        // the checks run inside the read, after the token check: a caller without a token learns nothing
        return access.read(uuid, request, response, base -> {
            String table = table(tableName, tableId);
            if (start < 0 || count < 0) {
                throw ApiException.badRequest("invalid_parameter", "start and limit must not be negative");
            }
            if (count > max) {
                throw ApiException.badRequest("over_limit", "limit " + count + " is over rows_api_max_limit " + max);
            }
            return Json.write(RestViews.rows(base, table, start, count));
        });
    }

    @GetMapping(path = {"/api/v1/dtables/{uuid}/rows/{rowId}/", "/api/v1/dtables/{uuid}/rows/{rowId}"})
    public String one(@PathVariable String uuid, @PathVariable String rowId,
            @RequestParam(name = "table_name", required = false) String tableName,
            @RequestParam(name = "table_id", required = false) String tableId, HttpServletRequest request,
            HttpServletResponse response) {
        return access.read(uuid, request, response,
                base -> Json.write(RestViews.row(base, table(tableName, tableId), rowId)));
    }

    @PostMapping(path = {"/api/v1/dtables/{uuid}/rows/", "/api/v1/dtables/{uuid}/rows"})
    public String append(@PathVariable String uuid, @RequestBody(required = false) byte[] body,
            HttpServletRequest request, HttpServletResponse response) {
        return write(append, uuid, body, request, response);
    }

    @PutMapping(path = {"/api/v1/dtables/{uuid}/rows/", "/api/v1/dtables/{uuid}/rows"})
    public String update(@PathVariable String uuid, @RequestBody(required = false) byte[] body,
            HttpServletRequest request, HttpServletResponse response) {
        return write(update, uuid, body, request, response);
    }

    @DeleteMapping(path = {"/api/v1/dtables/{uuid}/rows/", "/api/v1/dtables/{uuid}/rows"})
    public String delete(@PathVariable String uuid, @RequestBody(required = false) byte[] body,
            HttpServletRequest request, HttpServletResponse response) {
        return write(delete, uuid, body, request, response);
    }

    @PostMapping(path = {"/api/v1/dtables/{uuid}/batch-append-rows/", "/api/v1/dtables/{uuid}/batch-append-rows"})
    public String batchAppend(@PathVariable String uuid, @RequestBody(required = false) byte[] body,
            HttpServletRequest request, HttpServletResponse response) {
        return write(batchAppend, uuid, body, request, response);
    }

    @PutMapping(path = {"/api/v1/dtables/{uuid}/batch-update-rows/", "/api/v1/dtables/{uuid}/batch-update-rows"})
    public String batchUpdate(@PathVariable String uuid, @RequestBody(required = false) byte[] body,
            HttpServletRequest request, HttpServletResponse response) {
        return write(batchUpdate, uuid, body, request, response);
    }

    @DeleteMapping(path = {"/api/v1/dtables/{uuid}/batch-delete-rows/", "/api/v1/dtables/{uuid}/batch-delete-rows"})
    public String batchDelete(@PathVariable String uuid, @RequestBody(required = false) byte[] body,
            HttpServletRequest request, HttpServletResponse response) {
        return write(batchDelete, uuid, body, request, response);
    }

    /** The six row writes, for the write port ({@link WritePort}), which serves them without a servlet. */
    List<RowWrite> writes() {
        return List.of(append, update, delete, batchAppend, batchUpdate, batchDelete);
    }

    /** Runs {@code write} as the servlet path does (the lean path calls it for the request it takes). */
    String write(RowWrite write, String uuid, byte[] body, HttpServletRequest request,
            HttpServletResponse response) {
        return access.write(uuid, body, request, response, write.command(), write.answer());
    }

    static String table(String tableName, String tableId) {
        if (tableName != null && !tableName.isBlank()) {
            return tableName;
        }
        if (tableId != null && !tableId.isBlank()) {
            return tableId;
        }
        throw ApiException.badRequest("invalid_parameter", "table_name or table_id is required");
    }

    static String tableIdOf(Operation op) {
        return op.json().path("table_id").asString();
    }

    /** Row ids an insert operation created, in order (as recorded by the model's prepare). */
    static ArrayNode newRowIds(Operation op) {
        ArrayNode ids = Json.MAPPER.createArrayNode();
        op.insertedRowIds().forEach(ids::add);
        return ids;
    }

    static String firstNewRowId(Operation op) {
        return newRowIds(op).path(0).asString();
    }
}
