package dtable.model;

import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A column of a table: its stable {@code key} (what rows and raw operations use), its display
 * {@code name}, its {@link ColumnType} and type-specific {@code data} (select options, rate maximum…).
 * Immutable: a rename or type change replaces the column object, so copies of a base may share it.
 *
 * <p>{@link #slot()} is where the column's cells sit in {@link Row}'s cell array; it is internal and
 * never appears in JSON.
 */
public final class Column {

    private final String key;
    private final String name;
    private final ColumnType type;
    private final ObjectNode data;
    private final int slot;
    private final SelectOptions options;
    private final int rateMax;

    Column(String key, String name, ColumnType type, ObjectNode data, int slot) {
        this.key = Objects.requireNonNull(key);
        this.name = Objects.requireNonNull(name);
        this.type = Objects.requireNonNull(type);
        this.data = data;
        this.slot = slot;
        this.options = type.isSelect() ? SelectOptions.of(data) : SelectOptions.NONE;
        this.rateMax = rateMaxOf(type, data);
    }

    private static int rateMaxOf(ColumnType type, JsonNode data) {
        if (type != ColumnType.RATE || data == null || !data.path("rate_max_number").isIntegralNumber()) {
            return ColumnType.DEFAULT_RATE_MAX;
        }
        return data.get("rate_max_number").intValue();
    }

    public String key() {
        return key;
    }

    public String name() {
        return name;
    }

    public ColumnType type() {
        return type;
    }

    /** The column's data (read-only by contract; may be shared), or {@code null}. */
    public ObjectNode data() {
        return data;
    }

    int slot() {
        return slot;
    }

    SelectOptions options() {
        return options;
    }

    /** For {@code rate} columns, the highest allowed value. */
    int rateMax() {
        return rateMax;
    }

    /** The display name of a select option id of this column, or {@code null}. */
    public String optionName(String optionId) {
        return options.nameOf(optionId);
    }

    Column renamed(String newName) {
        return new Column(key, newName, type, data, slot);
    }

    Column retyped(ColumnType newType, ObjectNode newData) {
        return new Column(key, name, newType, newData, slot);
    }

    /** {@code {"key","name","type","data"}} as in the base JSON and the metadata. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("key", key);
        json.put("name", name);
        json.put("type", type.wireName());
        json.set("data", data == null ? JsonNodeFactory.instance.nullNode() : data.deepCopy());
        return json;
    }

    @Override
    public String toString() {
        return "Column[" + key + " \"" + name + "\" " + type + "]";
    }
}
