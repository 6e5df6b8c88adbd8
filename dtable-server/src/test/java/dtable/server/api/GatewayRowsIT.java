package dtable.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.BaseUuid;
import dtable.server.api.NodeUnderTest.Answer;
import dtable.server.api.NodeUnderTest.BaseSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * SeaTable's v2 base API under {@code /api-gateway/api/v2/dtables/{uuid}/} on a real node (real etcd
 * and MariaDB), called the way SeaTable's API reference and its Python SDK call it: list, get, batch
 * append, batch update, batch delete, metadata, tables and columns by name; and bad input (unknown
 * base, malformed body, a batch over the limit, a wrong or read-only token) refused with a clear
 * error while the base stays as it was.
 */
@Tag("integration")
class GatewayRowsIT {

    private static final int BATCH_MAX = 5;

    @RegisterExtension
    static final NodeUnderTest node = NodeUnderTest.serving("gateway-rows", "\"batch_max_rows\": " + BATCH_MAX
            + ", \"batch_delete_max_rows\": " + BATCH_MAX + ", \"rows_api_max_limit\": 10");
    private BaseUuid uuid;
    private String token;

    @BeforeEach
    void createBase() {
        uuid = node.createBase(RestApiIT.INITIAL_BASE);
        token = node.readWrite(uuid);
    }

    private String v2(String tail) {
        return "/api-gateway/api/v2/dtables/" + uuid + "/" + tail;
    }

    @Test
    void rowsLifecycleAsTheApiReferenceShowsIt() {
        Answer listed = node.sendOk("GET", v2("rows/?table_name=Tasks&view_name=Default%20View&start=0&limit=10"),
                token, null);
        JsonNode rows = listed.json().path("rows");
        assertThat(rows.size()).isEqualTo(2);
        assertThat(rows.path(0).path("Name").asString()).isEqualTo("first");
        assertThat(rows.path(0).path("Status").asString()).isEqualTo("Open");
        assertThat(listed.json().path("metadata").path(0).path("name").asString()).isEqualTo("Name");
        assertThat(node.send("GET", v2("rows/?table_name=Tasks&start=1&limit=1"), token, null).json()
                .path("rows").path(0).path("Name").asString()).isEqualTo("second");

        Answer appended = node.sendOk("POST", v2("rows/"), token,
                "{\"table_name\":\"Tasks\",\"rows\":[{\"Name\":\"third\",\"Count\":3},{\"Name\":\"fourth\",\"Done\":true}]}");
        JsonNode inserted = appended.json();
        assertThat(inserted.path("inserted_row_count").asInt()).isEqualTo(2);
        assertThat(inserted.path("row_ids").size()).isEqualTo(2);
        String third = inserted.path("row_ids").path(0).path("_id").asString();
        String fourth = inserted.path("row_ids").path(1).path("_id").asString();
        assertThat(inserted.path("first_row").path("_id").asString()).isEqualTo(third);
        assertThat(inserted.path("first_row").path("Count").asInt()).isEqualTo(3);

        Answer single = node.send("POST", v2("rows/"), token,
                "{\"table_name\":\"Tasks\",\"row\":{\"Name\":\"between\"},\"anchor_row_id\":\"row1AAAAAAAAAAAAAAAAAA\"}");
        assertThat(single.json().path("inserted_row_count").asInt()).isEqualTo(1);

        Answer updated = node.sendOk("PUT", v2("rows/"), token, "{\"table_name\":\"Tasks\",\"updates\":["
                + "{\"row_id\":\"" + third + "\",\"row\":{\"Name\":\"third, changed\",\"Status\":\"Closed\"}},"
                + "{\"row_id\":\"row1AAAAAAAAAAAAAAAAAA\",\"row\":{\"Count\":10}}]}");
        assertThat(updated.json().path("success").asBoolean()).isTrue();
        JsonNode got = node.send("GET", v2("rows/" + third + "/?table_name=Tasks"), token, null).json();
        assertThat(got.path("Name").asString()).isEqualTo("third, changed");
        assertThat(got.path("Status").asString()).isEqualTo("Closed");

        Answer deleted = node.sendOk("DELETE", v2("rows/"), token,
                "{\"table_name\":\"Tasks\",\"row_ids\":[\"" + fourth + "\",\"row2AAAAAAAAAAAAAAAAAA\"]}");
        assertThat(deleted.json().path("deleted_rows").asInt()).isEqualTo(2);

        List<String> names = new ArrayList<>();
        node.send("GET", v2("rows/?table_name=Tasks"), token, null).json().path("rows")
                .forEach(row -> names.add(row.path("Name").asString()));
        assertThat(names).containsExactly("first", "between", "third, changed");
        assertThat(node.send("GET", v2("rows/" + fourth + "/?table_name=Tasks"), token, null).status()).isEqualTo(404);
    }

    @Test
    void metadataTablesAndColumns() {
        JsonNode tables = node.send("GET", v2("metadata/"), token, null).json().path("metadata").path("tables");
        assertThat(tables.size()).isEqualTo(2);
        assertThat(tables.path(0).path("columns").size()).isEqualTo(4);

        Answer table = node.sendOk("POST", v2("tables/"), token, "{\"table_name\":\"Projects\",\"lang\":\"en\","
                + "\"columns\":[{\"column_name\":\"Title\",\"column_type\":\"text\"},"
                + "{\"column_name\":\"Budget\",\"column_type\":\"number\"}]}");
        assertThat(table.json().path("name").asString()).isEqualTo("Projects");
        assertThat(table.json().path("columns").size()).isEqualTo(2);

        Answer column = node.sendOk("POST", v2("columns/"), token,
                "{\"table_name\":\"Projects\",\"column_name\":\"Owner\",\"column_type\":\"text\"}");
        assertThat(column.json().path("name").asString()).isEqualTo("Owner");
        assertThat(column.json().path("type").asString()).isEqualTo("text");
        Answer renamed = node.send("PUT", v2("columns/"), token, "{\"table_name\":\"Projects\","
                + "\"op_type\":\"rename_column\",\"column\":\"Owner\",\"new_column_name\":\"Lead\"}");
        assertThat(renamed.json().path("name").asString()).isEqualTo("Lead");
        assertThat(node.send("DELETE", v2("columns/"), token, "{\"table_name\":\"Projects\",\"column\":\"Lead\"}")
                .json().path("success").asBoolean()).isTrue();

        assertThat(node.send("PUT", v2("tables/"), token, "{\"table_name\":\"Projects\",\"new_table_name\":\"Work\"}")
                .json().path("success").asBoolean()).isTrue();
        Answer appended = node.send("POST", v2("rows/"), token,
                "{\"table_name\":\"Work\",\"rows\":[{\"Title\":\"a\",\"Budget\":5}]}");
        assertThat(appended.json().path("first_row").path("Budget").asInt()).isEqualTo(5);
        assertThat(node.send("DELETE", v2("tables/"), token, "{\"table_name\":\"Work\"}").status()).isEqualTo(200);
        assertThat(node.send("GET", v2("metadata/"), token, null).json().path("metadata").path("tables").size())
                .isEqualTo(2);
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
        StringBuilder tooMany = new StringBuilder("{\"table_name\":\"Tasks\",\"rows\":[");
        for (int i = 0; i <= BATCH_MAX; i++) {
            tooMany.append(i == 0 ? "" : ",").append("{\"Name\":\"r").append(i).append("\"}");
        }
        tooMany.append("]}");
        refused("POST", v2("rows/"), token, tooMany.toString(), 400, "over_limit");
        refused("POST", v2("rows/"), token, "{\"table_name\":\"Tasks\",\"rows\":[", 400, "invalid_json");
        refused("POST", v2("rows/"), token, "[]", 400, "invalid_json");
        refused("POST", v2("rows/"), token, "{\"table_name\":\"Tasks\",\"rows\":[{\"Name\":\"ok\"},{\"Count\":\"x\"}]}",
                400, "invalid_value");
        refused("POST", v2("rows/"), token, "{\"table_name\":\"Nope\",\"rows\":[{\"Name\":\"x\"}]}", 404,
                "table_not_found");
        refused("POST", v2("rows/"), token, "{\"table_name\":\"Tasks\",\"rows\":[{\"Nope\":\"x\"}]}", 400,
                "column_not_found");
        refused("PUT", v2("rows/"), token, "{\"table_name\":\"Tasks\",\"updates\":[{\"row_id\":\"row1AAAAAAAAAAAAAAAAAA\","
                + "\"row\":{\"Name\":\"x\"}},{\"row_id\":\"missingAAAAAAAAAAAAAAA\",\"row\":{\"Name\":\"y\"}}]}", 404,
                "row_not_found");
        refused("DELETE", v2("rows/"), token, "{\"table_name\":\"Tasks\",\"row_ids\":\"row1AAAAAAAAAAAAAAAAAA\"}", 400,
                null);
        refused("GET", v2("rows/?table_name=Tasks&limit=11"), token, null, 400, "over_limit");
        refused("GET", v2("rows/?table_name=Tasks&limit=ten"), token, null, 400, "invalid_parameter");
        refused("GET", v2("rows/?table_name=Tasks&order_by=Name"), token, null, 400, "not_supported");
        refused("GET", v2("rows/"), token, null, 400, "invalid_parameter");
        Answer view = node.sendOk("POST", "/api/v1/dtables/" + uuid + "/operations/", token, "{\"op_type\":\"insert_view\","
                + "\"table_id\":\"0000\",\"view_data\":{\"_id\":\"v001\",\"name\":\"Open ones\",\"type\":\"table\","
                + "\"filters\":[{\"column_key\":\"0003\",\"filter_predicate\":\"is\",\"filter_term\":\"s1\"}],"
                + "\"sorts\":[],\"groupbys\":[],\"hidden_columns\":[]}}");
        refused("GET", v2("rows/?table_name=Tasks&view_name=Open%20ones"), token, null, 400, "not_supported");
        assertThat(node.send("GET", v2("rows/?table_name=Tasks&view_name=No%20such%20view"), token, null).json()
                .path("rows").size()).isEqualTo(2);

        // tokens: none, another base's, read-only on a write
        refused("POST", v2("rows/"), null, "{\"table_name\":\"Tasks\",\"rows\":[{\"Name\":\"x\"}]}", 401, null);
        refused("POST", v2("rows/"), node.readWrite(BaseUuid.parse(UUID.randomUUID().toString())),
                "{\"table_name\":\"Tasks\",\"rows\":[{\"Name\":\"x\"}]}", 403, null);
        refused("PUT", v2("rows/"), node.readOnly(uuid), "{\"table_name\":\"Tasks\",\"updates\":[{\"row_id\":"
                + "\"row1AAAAAAAAAAAAAAAAAA\",\"row\":{\"Name\":\"x\"}}]}", 403, null);
        assertThat(node.send("GET", v2("rows/?table_name=Tasks"), node.readOnly(uuid), null).status()).isEqualTo(200);

        BaseUuid unknown = BaseUuid.parse(UUID.randomUUID().toString());
        Answer missing = node.send("GET", "/api-gateway/api/v2/dtables/" + unknown + "/rows/?table_name=Tasks",
                node.readWrite(unknown), null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorMsg()).isNotBlank();
        Answer badUuid = node.send("GET", "/api-gateway/api/v2/dtables/not-a-uuid/metadata/", token, null);
        assertThat(badUuid.status()).isEqualTo(400);
        assertThat(badUuid.errorType()).isEqualTo("invalid_dtable_uuid");
    }

    private void refused(String method, String path, String authToken, String body, int status, String errorType) {
        BaseSnapshot before = node.snapshot(uuid);
        Answer answer = node.send(method, path, authToken, body);
        assertThat(answer.status()).as(method + " " + path + ": " + answer.body()).isEqualTo(status);
        assertThat(answer.errorMsg()).as(answer.body()).isNotBlank();
        if (errorType != null) {
            assertThat(answer.errorType()).as(answer.body()).isEqualTo(errorType);
        }
        node.assertUnchanged(uuid, before);
    }
}
