package dtable.model;

import java.io.OutputStream;
import java.util.List;
import tools.jackson.core.JsonGenerator;

/**
 * Streams a {@link Base} out as SeaTable-shaped JSON without building a tree:
 * {@code {"version","format_version","tables":[{"_id","name","columns":[…],"rows":[…]}]}}. Each row
 * is {@code {"_id","_ctime","_mtime", key: value…}} with empty cells left out, in column order.
 */
final class BaseWriter {

    private BaseWriter() {
    }

    /** I/O failures of {@code out} surface as Jackson's unchecked {@code JacksonIOException}. */
    static void write(Base base, OutputStream out) {
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberProperty("version", base.version());
            g.writeNumberProperty("format_version", base.formatVersion());
            g.writeName("tables");
            g.writeStartArray();
            for (Table table : base.tables()) {
                writeTable(g, table);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void writeTable(JsonGenerator g, Table table) {
        g.writeStartObject();
        g.writeStringProperty("_id", table.id());
        g.writeStringProperty("name", table.name());
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
        for (int r = 0; r < table.rowCount(); r++) {
            writeRow(g, table.row(r), keys, slots);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeRow(JsonGenerator g, Row row, String[] keys, int[] slots) {
        g.writeStartObject();
        g.writeStringProperty("_id", row.id());
        g.writeStringProperty("_ctime", Timestamps.format(row.ctime()));
        g.writeStringProperty("_mtime", Timestamps.format(row.mtime()));
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
