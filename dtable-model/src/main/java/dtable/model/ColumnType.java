package dtable.model;

/**
 * The column types of this subset of SeaTable, with their wire names. What a cell of each type holds
 * in memory (see {@link Row#cell}):
 * <ul>
 *   <li>{@code text}, {@code long-text}, {@code date}, {@code email}, {@code url}: {@link String};</li>
 *   <li>{@code number}, {@code duration} (seconds): {@link Long} for JSON integers, {@link Double} otherwise;</li>
 *   <li>{@code rate}: {@link Long} in {@code 0..rate_max_number} (default 5);</li>
 *   <li>{@code checkbox}: {@link Boolean};</li>
 *   <li>{@code single-select}: the chosen option's {@code id} ({@link String});</li>
 *   <li>{@code multiple-select}: the chosen options' ids ({@code String[]}, never modified).</li>
 * </ul>
 */
public enum ColumnType {
    TEXT("text"),
    LONG_TEXT("long-text"),
    NUMBER("number"),
    CHECKBOX("checkbox"),
    DATE("date"),
    SINGLE_SELECT("single-select"),
    MULTIPLE_SELECT("multiple-select"),
    EMAIL("email"),
    URL("url"),
    DURATION("duration"),
    RATE("rate"),
    /** A link to rows of another (or the same) table: {@code data.link_id} names an entry of the base's {@code links[]}; cells are not stored in rows. */
    LINK("link");

    /** {@code rate_max_number} when the column data does not say. */
    public static final int DEFAULT_RATE_MAX = 5;

    private final String wireName;

    ColumnType(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in base JSON and operations, e.g. {@code "single-select"}. */
    public String wireName() {
        return wireName;
    }

    /** Whether cells hold option ids of the column's {@code data.options}. */
    public boolean isSelect() {
        return this == SINGLE_SELECT || this == MULTIPLE_SELECT;
    }

    /** The type with this wire name, or {@code null} when there is none. */
    public static ColumnType fromWireName(String wireName) {
        for (ColumnType type : values()) {
            if (type.wireName.equals(wireName)) {
                return type;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
