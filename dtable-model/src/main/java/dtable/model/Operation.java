package dtable.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A prepared operation: exactly the JSON to append to {@code operation_log}, to broadcast, and to
 * {@link Base#replay} later. Tables are named by {@code table_id}, cells by column key, and every
 * id and time the server chose is in it ({@code row_data._id/_ctime/_mtime}, {@code updated._mtime},
 * {@code table_id}, {@code column_key}, select option ids).
 *
 * <p>The JSON must not be modified after {@link Base#prepare}; {@link Base#apply} re-reads it.
 *
 * @param opType the normalised {@code op_type} ({@code append_rows} is prepared as {@code insert_rows})
 * @param json   the whole operation, {@code op_type} included
 */
public record Operation(String opType, ObjectNode json) {

    public Operation {
        Objects.requireNonNull(opType, "opType");
        Objects.requireNonNull(json, "json");
    }

    /** The operation as compact JSON text, as it goes into the log. */
    public String toJsonString() {
        return json.toString();
    }

    /** The ids of the rows this operation inserts, in order; empty for other operations. */
    public List<String> insertedRowIds() {
        List<String> ids = new ArrayList<>();
        JsonNode single = json.get("row_data");
        if ("insert_row".equals(opType) && single != null) {
            ids.add(single.path("_id").asString());
        }
        JsonNode many = json.get("row_datas");
        if ("insert_rows".equals(opType) && many != null) {
            for (JsonNode row : many) {
                ids.add(row.path("_id").asString());
            }
        }
        return ids;
    }
}
