package dtable.slave;

import dtable.core.bucket.BaseUuid;
import dtable.model.Base;
import dtable.model.Operation;
import dtable.model.OperationContext;
import dtable.model.SyntheticBase;
import dtable.model.rest.RestCommands;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** What the slave's fake owners (in MySQL and in memory) do to their bases, through the real model. */
public final class OwnerModel {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OwnerModel() {
    }

    /** A base with {@code rows} synthetic rows in "Table1" (column "Name" among ten), at version 0, seeded by its UUID. */
    public static Base synthetic(BaseUuid uuid, int rows) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        SyntheticBase.write(json, rows, uuid.hashCode());
        return Base.read(new ByteArrayInputStream(json.toByteArray()));
    }

    /** The operation appending one row named {@code name} to Table1, prepared on {@code base} but not applied. */
    public static Operation appendRow(Base base, String name) {
        ObjectNode body = JSON.createObjectNode().put("table_name", "Table1");
        body.putObject("row").put("Name", name);
        return base.prepare(RestCommands.appendRow(base, body), OperationContext.of(Clock.systemUTC(), "owner"));
    }
}
