package dtable.server.base;

import dtable.model.Base;
import dtable.model.OperationException;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * {@code base_writable_limit}: a base holding more rows than {@code maxRows} refuses operations that add rows
 * ({@code 400 over_limit}, nothing applied); updates and deletes go on. Every write path applies it, so that a base
 * cannot grow past it through any of them: the HTTP writes ({@code BaseAccess}) and both sockets
 * ({@code RoomSession}).
 */
public record RowLimit(long maxRows) {

    /** No limit. */
    public static final RowLimit NONE = new RowLimit(Long.MAX_VALUE);

    /** {@code command}, refusing the operation it makes when that adds rows to a base already over the limit. */
    public Function<Base, JsonNode> guard(Function<Base, JsonNode> command) {
        return model -> {
            JsonNode operation = command.apply(model);
            String type = operation.path("op_type").asString("");
            boolean grows = type.equals("insert_row") || type.equals("insert_rows") || type.equals("append_rows");
            if (grows && model.rowCount() > maxRows) {
                throw new OperationException(400, "over_limit", "base has " + model.rowCount()
                        + " rows, over base_writable_limit " + maxRows + ": no rows can be added");
            }
            return operation;
        };
    }
}
