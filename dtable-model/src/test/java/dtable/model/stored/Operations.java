package dtable.model.stored;

import dtable.model.Base;
import dtable.model.Operation;
import dtable.model.OperationContext;
import dtable.model.rest.RestCommands;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Real logged operations, made by an owner base through the model, for the tests of this package. */
final class Operations {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Operations() {
    }

    /** A base with the default table and {@code rows} appended rows, at version {@code rows}. */
    static Base ownerWithRows(int rows) {
        Base owner = Base.withDefaultTable();
        for (int i = 0; i < rows; i++) {
            appendRow(owner, "row " + i);
        }
        return owner;
    }

    /** Appends one row to {@code owner} and returns the operation as its log row. */
    static LoggedOperation appendRow(Base owner, String name) {
        ObjectNode body = JSON.createObjectNode().put("table_name", "Table1");
        body.putObject("row").put("Name", name);
        Operation op = owner.prepare(RestCommands.appendRow(owner, body), OperationContext.of(Clock.systemUTC(), "tester"));
        owner.apply(op);
        return new LoggedOperation(owner.version(), 0, "tester", null, op.toJsonString());
    }

    /** {@code count} operations appended to {@code owner}, as the log holds them. */
    static List<LoggedOperation> log(Base owner, int count) {
        List<LoggedOperation> log = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            log.add(appendRow(owner, "logged " + i));
        }
        return log;
    }
}
