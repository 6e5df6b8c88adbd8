package dtable.server.api;

import dtable.model.Base;
import dtable.model.Column;
import dtable.model.Operation;
import dtable.model.Table;
import dtable.model.rest.RestCommands;
import dtable.model.rest.RestViews;
import dtable.web.ApiException;
import dtable.web.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * SeaTable's v2 base API as its SDKs call it through the API gateway (SPEC §9), under
 * {@code /api-gateway/api/v2/dtables/{uuid}/}: {@code rows/} (list, batch append, batch update,
 * batch delete), {@code rows/{row_id}/}, {@code metadata/}, {@code tables/} and {@code columns/}.
 * Cells go by column name. The translation to operations is the v1 endpoints' ({@link RestCommands},
 * {@link RestViews}); only the v2 request and answer shapes are here:
 * <ul>
 *   <li>{@code GET rows/?table_name&view_name&start&limit} → {@code {"rows":[…], "metadata":[columns]}};
 *       view filters and sorts are not evaluated: a view that has some is refused (400), any other
 *       {@code view_name} lists the table in order; {@code order_by} is refused (400) rather than ignored.</li>
 *   <li>{@code POST rows/ {table_name, rows:[…]}} (or SeaTable's single {@code row} with
 *       {@code anchor_row_id}) → {@code {"inserted_row_count", "row_ids":[{"_id"}], "first_row"}}.</li>
 *   <li>{@code PUT rows/ {table_name, updates:[{row_id, row}]}} → {@code {"success": true}}.</li>
 *   <li>{@code DELETE rows/ {table_name, row_ids}} → {@code {"deleted_rows": n}}.</li>
 *   <li>{@code POST tables/} → the new table ({@code _id, name, columns}); {@code POST columns/} →
 *       the new column; PUT and DELETE of either → {@code {"success": true}}.</li>
 * </ul>
 * Errors, limits and durability are the v1 endpoints' (SPEC §7); the version is in {@code X-Dtable-Version}.
 */
@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
public class GatewayRowsController {

    static final String PREFIX = "/api-gateway/api/v2/dtables/{uuid}";

    private final BaseAccess access;
    private final RowsController.Limits limits;

    public GatewayRowsController(BaseAccess access, RowsController.Limits limits) {
        this.access = access;
        this.limits = limits;
    }

    @GetMapping(path = {PREFIX + "/rows/", PREFIX + "/rows"})
    public String list(@PathVariable String uuid,
            @RequestParam(name = "table_name", required = false) String tableName,
            @RequestParam(name = "table_id", required = false) String tableId,
            @RequestParam(name = "view_name", required = false) String viewName,
            @RequestParam(name = "order_by", required = false) String orderBy,
            @RequestParam(name = "start", defaultValue = "0") String start,
            @RequestParam(name = "limit", required = false) String limit,
            HttpServletRequest request, HttpServletResponse response) {
        int max = limits.rowsApiMaxLimit();
        return access.read(uuid, request, response, base -> {
            String table = RowsController.table(tableName, tableId);
            if (orderBy != null && !orderBy.isBlank()) {
                throw ApiException.badRequest("not_supported", "order_by is not supported by this server");
            }
            refuseFilteredView(base.requireTable(Json.newObject().put("table_name", table)), viewName);
            int from = number("start", start);
            int count = limit == null || limit.isBlank() ? max : number("limit", limit);
            if (count > max) {
                throw ApiException.badRequest("over_limit", "limit " + count + " is over rows_api_max_limit " + max);
            }
            ObjectNode answer = RestViews.rows(base, table, from, count);
            ArrayNode columns = answer.putArray("metadata");
            for (Column column : base.requireTable(Json.newObject().put("table_name", table)).columns()) {
                columns.add(column.toJson());
            }
            return Json.write(answer);
        });
    }

    @GetMapping(path = {PREFIX + "/rows/{rowId}/", PREFIX + "/rows/{rowId}"})
    public String one(@PathVariable String uuid, @PathVariable String rowId,
            @RequestParam(name = "table_name", required = false) String tableName,
            @RequestParam(name = "table_id", required = false) String tableId,
            HttpServletRequest request, HttpServletResponse response) {
        return access.read(uuid, request, response,
                base -> Json.write(RestViews.row(base, RowsController.table(tableName, tableId), rowId)));
    }

    @PostMapping(path = {PREFIX + "/rows/", PREFIX + "/rows"})
    public String append(@PathVariable String uuid, @RequestBody(required = false) byte[] body,
            HttpServletRequest request, HttpServletResponse response) {
        return access.write(uuid, body, request, response, (base, json) -> json.has("rows") || !json.has("row")
                        ? RestCommands.batchAppend(base, json, limits.batchMaxRows())
                        : RestCommands.appendRow(base, json),
                (base, op) -> {
                    ArrayNode ids = RowsController.newRowIds(op);
                    ObjectNode answer = Json.newObject().put("inserted_row_count", ids.size());
                    ArrayNode rowIds = answer.putArray("row_ids");
                    ids.forEach(id -> rowIds.addObject().put("_id", id.asString()));
                    answer.set("first_row", ids.isEmpty() ? null
                            : RestViews.rowByName(base, RowsController.tableIdOf(op), ids.get(0).asString()));
                    return Json.write(answer);
                });
    }

    @PutMapping(path = {PREFIX + "/rows/", PREFIX + "/rows"})
    public String update(@PathVariable String uuid, @RequestBody(required = false) byte[] body,
            HttpServletRequest request, HttpServletResponse response) {
        return access.write(uuid, body, request, response,
                (base, json) -> RestCommands.batchUpdate(base, json, limits.batchMaxRows()),
                (base, op) -> Json.write(Json.newObject().put("success", true)));
    }

    @DeleteMapping(path = {PREFIX + "/rows/", PREFIX + "/rows"})
    public String delete(@PathVariable String uuid, @RequestBody(required = false) byte[] body,
            HttpServletRequest request, HttpServletResponse response) {
        return access.write(uuid, body, request, response,
                (base, json) -> RestCommands.batchDelete(base, json, limits.batchDeleteMaxRows()),
                (base, op) -> Json.write(Json.newObject().put("deleted_rows", op.json().path("row_ids").size())));
    }

    @GetMapping(path = {PREFIX + "/metadata/", PREFIX + "/metadata"})
    public String metadata(@PathVariable String uuid, HttpServletRequest request, HttpServletResponse response) {
        return access.read(uuid, request, response, base -> Json.write(RestViews.metadata(base)));
    }

    @RequestMapping(path = {PREFIX + "/tables/", PREFIX + "/tables"},
            method = {RequestMethod.POST, RequestMethod.PUT, RequestMethod.DELETE})
    public String tables(@PathVariable String uuid, @RequestBody(required = false) byte[] body,
            HttpServletRequest request, HttpServletResponse response) {
        String method = request.getMethod();
        return access.write(uuid, body, request, response, (base, json) -> RestCommands.tableCommand(method, json),
                (base, op) -> method.equals("POST") ? Json.write(tableJson(newTable(base, op)))
                        : Json.write(Json.newObject().put("success", true)));
    }

    @RequestMapping(path = {PREFIX + "/columns/", PREFIX + "/columns"},
            method = {RequestMethod.POST, RequestMethod.PUT, RequestMethod.DELETE})
    public String columns(@PathVariable String uuid, @RequestBody(required = false) byte[] body,
            HttpServletRequest request, HttpServletResponse response) {
        String method = request.getMethod();
        return access.write(uuid, body, request, response,
                (base, json) -> RestCommands.columnCommand(base, method, json),
                (base, op) -> method.equals("DELETE") ? Json.write(Json.newObject().put("success", true))
                        : Json.write(changedColumn(base, op)));
    }

    /**
     * Views are kept as the client made them but their filters and sorts are not evaluated by this
     * server: listing a view that has some would answer the wrong rows, so it is refused. A view
     * without them (or an unknown name, as SeaTable does) lists the table's rows in order.
     */
    private static void refuseFilteredView(Table table, String viewName) {
        if (viewName == null || viewName.isBlank()) {
            return;
        }
        for (ObjectNode view : table.views()) {
            if (viewName.equals(view.path("name").asString()) && (!view.path("filters").isEmpty()
                    || !view.path("sorts").isEmpty())) {
                throw ApiException.badRequest("not_supported", "view \"" + viewName + "\" has filters or sorts, "
                        + "which this server does not evaluate; list the table without view_name");
            }
        }
    }

    /** The table an {@code insert_table} created (its logged form names the new {@code table_id}). */
    private static Table newTable(Base base, Operation op) {
        return base.tableById(op.json().path("table_id").asString());
    }

    private static ObjectNode tableJson(Table table) {
        ObjectNode answer = Json.newObject().put("_id", table.id()).put("name", table.name());
        ArrayNode columns = answer.putArray("columns");
        table.columns().forEach(column -> columns.add(column.toJson()));
        return answer;
    }

    /** The column an insert, rename or type change left behind (found by the key the logged operation names). */
    private static ObjectNode changedColumn(Base base, Operation op) {
        JsonNode logged = op.json();
        Table table = base.tableById(logged.path("table_id").asString());
        Column column = table == null ? null : table.columnByKey(logged.path("column_key").asString());
        return column == null ? Json.newObject().put("success", true) : column.toJson();
    }

    private static int number(String name, String text) {
        try {
            int value = Integer.parseInt(text.trim());
            if (value < 0) {
                throw ApiException.badRequest("invalid_parameter", name + " must not be negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid_parameter", name + " must be a number, got \"" + text + "\"");
        }
    }
}
