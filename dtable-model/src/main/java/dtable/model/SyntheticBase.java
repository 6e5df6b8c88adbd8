package dtable.model;

import java.io.OutputStream;
import java.util.Base64;
import java.util.SplittableRandom;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generates large base JSON documents for tests and benchmarks, streaming, without building a
 * {@link Base}: one table "Table1" with ten columns of mixed types (text, long-text, number,
 * checkbox, date, single-select, multiple-select, email, url, rate) and {@code rows} rows. The same
 * seed gives the same bytes. Thread-safe (no shared state).
 */
public final class SyntheticBase {

    /** Columns of the generated table; column i has key {@link #key}(i). */
    public static final int COLUMN_COUNT = 10;
    private static final String[] NAMES = {"Name", "Notes", "Amount", "Done", "Due", "Status", "Tags", "Email",
        "Site", "Stars"};
    private static final ColumnType[] TYPES = {ColumnType.TEXT, ColumnType.LONG_TEXT, ColumnType.NUMBER,
        ColumnType.CHECKBOX, ColumnType.DATE, ColumnType.SINGLE_SELECT, ColumnType.MULTIPLE_SELECT, ColumnType.EMAIL,
        ColumnType.URL, ColumnType.RATE};
    private static final String[] STATUS = {"Open", "In progress", "Done"};
    private static final String[] TAGS = {"red", "green", "blue", "urgent", "later"};
    private static final long START = 1_700_000_000_000L;

    private SyntheticBase() {
    }

    /** Writes the base JSON to {@code out} (flushed, not closed). */
    public static void write(OutputStream out, int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Base64.Encoder ids = Base64.getUrlEncoder().withoutPadding();
        byte[] idBytes = new byte[16];
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberProperty("version", 0);
            g.writeNumberProperty("format_version", Base.FORMAT_VERSION);
            g.writeName("tables");
            g.writeStartArray();
            g.writeStartObject();
            g.writeStringProperty("_id", "0000");
            g.writeStringProperty("name", "Table1");
            g.writeName("columns");
            g.writeStartArray();
            for (int c = 0; c < COLUMN_COUNT; c++) {
                g.writeStartObject();
                g.writeStringProperty("key", key(c));
                g.writeStringProperty("name", NAMES[c]);
                g.writeStringProperty("type", TYPES[c].wireName());
                g.writeName("data");
                g.writeTree(data(TYPES[c]));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeName("rows");
            g.writeStartArray();
            for (int r = 0; r < rows; r++) {
                random.nextBytes(idBytes);
                writeRow(g, r, ids.encodeToString(idBytes), random);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    public static String key(int column) {
        return String.format("%04d", column);
    }

    private static ObjectNode data(ColumnType type) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        String[] names = type == ColumnType.SINGLE_SELECT ? STATUS : type == ColumnType.MULTIPLE_SELECT ? TAGS : null;
        if (names != null) {
            ArrayNode options = data.putArray("options");
            for (int i = 0; i < names.length; i++) {
                options.addObject().put("id", "opt" + i).put("name", names[i]).put("color", "#DBDBDB");
            }
        }
        if (type == ColumnType.RATE) {
            data.put("rate_max_number", 5);
        }
        return data;
    }

    private static void writeRow(JsonGenerator g, int r, String id, SplittableRandom random) {
        long ctime = START + r * 1000L;
        g.writeStartObject();
        g.writeStringProperty("_id", id);
        g.writeStringProperty("_ctime", Timestamps.format(ctime));
        g.writeStringProperty("_mtime", Timestamps.format(ctime + random.nextInt(1_000_000)));
        g.writeStringProperty(key(0), "Row " + r);
        if (random.nextInt(4) == 0) {
            g.writeStringProperty(key(1), "Some longer notes for row " + r + ", written by a generator");
        }
        if (random.nextBoolean()) {
            g.writeNumberProperty(key(2), random.nextInt(100_000));
        } else {
            g.writeNumberProperty(key(2), Math.round(random.nextDouble() * 1e6) / 100.0);
        }
        g.writeBooleanProperty(key(3), random.nextBoolean());
        g.writeStringProperty(key(4), Timestamps.format(START + random.nextInt(730) * 86_400_000L).substring(0, 10));
        g.writeStringProperty(key(5), "opt" + random.nextInt(STATUS.length));
        g.writeName(key(6));
        g.writeStartArray();
        int first = random.nextInt(TAGS.length);
        g.writeString("opt" + first);
        if (random.nextBoolean()) {
            g.writeString("opt" + (first + 1) % TAGS.length);
        }
        g.writeEndArray();
        g.writeStringProperty(key(7), "user" + r + "@example.com");
        g.writeStringProperty(key(8), "https://example.com/items/" + r);
        g.writeNumberProperty(key(9), random.nextInt(6));
        g.writeEndObject();
    }
}
