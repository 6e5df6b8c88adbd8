package dtable.model;

import java.io.OutputStream;
import java.util.List;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.node.ObjectNode;

/**
 * Streams a {@link FrozenBase} out as SeaTable-shaped JSON without building a tree:
 * {@code {"version","format_version","tables":[{"_id","name","columns":[…],"rows":[…]}],"links":[…]}}
 * ({@code links} only when there are any, so bases without links keep their exact bytes). Each row
 * is {@code {"_id","_ctime","_mtime", key: value…}} with empty cells left out, in column order.
 */
final class BaseWriter {

    private BaseWriter() {
    }

    /**
     * {@code forClient}: the shape SeaTable's browser client loads ({@code dtable-store}), which also
     * needs {@code views[]} per table (it throws on column operations without one), {@code links[]},
     * {@code settings}, {@code scripts}, {@code statistics} and {@code view_structure}. I/O failures of
     * {@code out} surface as Jackson's unchecked {@code JacksonIOException}.
     */
    static void write(FrozenBase base, OutputStream out, boolean forClient) {
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberProperty("version", base.version());
            g.writeNumberProperty("format_version", base.formatVersion());
            g.writeName("tables");
            g.writeStartArray();
            FrozenBase.RowState row = new FrozenBase.RowState();
            for (FrozenBase.FrozenTable table : base.tables()) {
                writeTable(g, base, table, row, forClient);
            }
            g.writeEndArray();
            if (forClient || !base.links().all().isEmpty()) {
                g.writeName("links");
                g.writeTree(base.links().toJson());
            }
            if (forClient) {
                g.writeName("settings");
                g.writeStartObject();
                g.writeEndObject();
                g.writeName("scripts");
                g.writeStartArray();
                g.writeEndArray();
                g.writeName("statistics");
                g.writeStartArray();
                g.writeEndArray();
            }
            g.writeEndObject();
        }
    }

    private static void writeTable(JsonGenerator g, FrozenBase base, FrozenBase.FrozenTable table,
            FrozenBase.RowState row, boolean forClient) {
        g.writeStartObject();
        g.writeStringProperty("_id", table.id());
        g.writeStringProperty("name", table.name());
        if (forClient || !table.views().isEmpty()) {
            g.writeName("views");
            if (table.views().isEmpty()) {
                g.writeTree(ClientOperations.defaultViews());
            } else {
                g.writeStartArray();
                for (ObjectNode view : table.views()) {
                    g.writeTree(view);
                }
                g.writeEndArray();
            }
        }
        if (forClient) {
            // the client's view folders: none, every view at the top level
            g.writeName("view_structure");
            g.writeStartObject();
            g.writeName("folders");
            g.writeStartArray();
            g.writeEndArray();
            g.writeName("view_ids");
            g.writeStartArray();
            if (table.views().isEmpty()) {
                g.writeString("0000");
            }
            for (ObjectNode view : table.views()) {
                g.writeString(view.path("_id").asString());
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeName("columns");
        g.writeStartArray();
        List<Column> columns = table.columns();
        for (Column column : columns) {
            g.writeStartObject();
            g.writeStringProperty("key", column.key());
            g.writeStringProperty("name", column.name());
            g.writeStringProperty("type", column.type().wireName());
            g.writeName("data");
            if (column.data() == null) {
                g.writeNull();
            } else {
                g.writeTree(column.data());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        String[] keys = new String[columns.size()];
        int[] slots = new int[columns.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = columns.get(i).key();
            slots[i] = columns.get(i).slot();
        }
        g.writeName("rows");
        g.writeStartArray();
        for (Object live : table.rows()) {
            base.read((Row) live, row);
            writeRow(g, row, keys, slots);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeRow(JsonGenerator g, FrozenBase.RowState row, String[] keys, int[] slots) {
        g.writeStartObject();
        g.writeStringProperty("_id", row.id);
        g.writeStringProperty("_ctime", Timestamps.format(row.ctime));
        g.writeStringProperty("_mtime", Timestamps.format(row.mtime));
        for (int i = 0; i < keys.length; i++) {
            Object cell = row.cell(slots[i]);
            if (cell != null) {
                g.writeName(keys[i]);
                CellValues.write(g, cell);
            }
        }
        g.writeEndObject();
    }
}
