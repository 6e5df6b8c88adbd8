package dtable.model;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Cell values: JSON ↔ memory, and the per-type rules. Both the loader and the operation engine go
 * through {@link #normalize}, so a base that loads is a base an operation could have built.
 *
 * <p>Rules (a JSON {@code null} always clears the cell):
 * <ul>
 *   <li>text, long-text: a string;</li>
 *   <li>number: a JSON number (not a numeric string); duration: a JSON number of seconds;</li>
 *   <li>checkbox: {@code true} / {@code false};</li>
 *   <li>date: see {@link DateValues};</li>
 *   <li>single-select: a string naming an option of {@code data.options} by id or, failing that, by
 *       name; stored (and logged) as the option id;</li>
 *   <li>multiple-select: an array of such strings; stored as the ids, duplicates dropped, order kept;</li>
 *   <li>email: a string with exactly one {@code @} and text on both sides;</li>
 *   <li>url: an absolute {@code http} or {@code https} URL with a host;</li>
 *   <li>rate: a JSON integer in {@code 0..rate_max_number} (default 5).</li>
 * </ul>
 */
final class CellValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CellValues() {
    }

    /** A value that does not fit its column; callers turn it into a 400 or a {@link ModelException}. */
    static final class InvalidCell extends RuntimeException {
        InvalidCell(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Plain Java form of a JSON value: String, Long, Double, Boolean, String[] or null.
     *
     * @throws InvalidCell for objects and arrays holding anything but strings
     */
    static Object plain(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isString()) {
            return value.stringValue();
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? (Object) value.longValue() : (Object) value.doubleValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isArray()) {
            String[] items = new String[value.size()];
            for (int i = 0; i < items.length; i++) {
                JsonNode item = value.get(i);
                if (!item.isString()) {
                    throw new InvalidCell("arrays may hold only strings");
                }
                items[i] = item.stringValue();
            }
            return items;
        }
        throw new InvalidCell("objects are not cell values");
    }

    /**
     * The stored form of a plain value in {@code column}, or {@code null} to clear.
     *
     * @throws InvalidCell when the value does not fit the column's type
     */
    static Object normalize(Column column, Object value) {
        if (value == null) {
            return null;
        }
        ColumnType type = column.type();
        return switch (type) {
            case TEXT, LONG_TEXT -> requireString(column, value);
            case NUMBER, DURATION -> requireNumber(column, value);
            case CHECKBOX -> {
                if (!(value instanceof Boolean)) {
                    throw invalid(column, value, "expects true or false");
                }
                yield value;
            }
            case DATE -> {
                String text = requireString(column, value);
                if (!DateValues.isValid(text)) {
                    throw invalid(column, value, "expects an ISO date (yyyy-MM-dd) or date-time");
                }
                yield text;
            }
            case EMAIL -> {
                String text = requireString(column, value);
                int at = text.indexOf('@');
                if (at <= 0 || at == text.length() - 1 || text.indexOf('@', at + 1) >= 0) {
                    throw invalid(column, value, "expects an email address");
                }
                yield text;
            }
            case URL -> {
                String text = requireString(column, value);
                if (!isHttpUrl(text)) {
                    throw invalid(column, value, "expects an http or https URL");
                }
                yield text;
            }
            case RATE -> {
                if (!(value instanceof Long rate) || rate < 0 || rate > column.rateMax()) {
                    throw invalid(column, value, "expects an integer from 0 to " + column.rateMax());
                }
                yield rate;
            }
            case SINGLE_SELECT -> resolveOption(column, requireString(column, value));
            case LINK -> throw invalid(column, value, "is a link column: rows are linked with add_link and remove_link");
            case MULTIPLE_SELECT -> {
                if (!(value instanceof String[] items)) {
                    throw invalid(column, value, "expects an array of option ids or names");
                }
                yield resolveOptions(column, items);
            }
        };
    }

    /** The option ids of {@code items}, duplicates dropped, order kept. */
    private static String[] resolveOptions(Column column, String[] items) {
        if (items.length > 16) {
            Set<String> ids = new LinkedHashSet<>();
            for (String item : items) {
                ids.add(resolveOption(column, item));
            }
            return ids.toArray(String[]::new);
        }
        String[] ids = new String[items.length];
        int count = 0;
        next:
        for (String item : items) {
            String id = resolveOption(column, item);
            for (int j = 0; j < count; j++) {
                if (ids[j].equals(id)) {
                    continue next;
                }
            }
            ids[count++] = id;
        }
        return count == ids.length ? ids : Arrays.copyOf(ids, count);
    }

    private static String resolveOption(Column column, String idOrName) {
        String id = column.options().resolve(idOrName);
        if (id == null) {
            throw new InvalidCell("column \"" + column.name() + "\" has no option \"" + idOrName + "\"");
        }
        return id;
    }

    private static String requireString(Column column, Object value) {
        if (!(value instanceof String text)) {
            throw invalid(column, value, "expects a string");
        }
        return text;
    }

    private static Object requireNumber(Column column, Object value) {
        if (value instanceof Long) {
            return value;
        }
        if (value instanceof Double d && Double.isFinite(d)) {
            return d;
        }
        throw invalid(column, value, "expects a number");
    }

    /**
     * Whether {@code text} is an absolute http(s) URL with a host, as {@link URI} parses it. Plain
     * URLs ({@code http[s]://host.name/path?query} in ASCII) are recognised by a scan that accepts
     * only what {@link URI} accepts; anything else (ports, user info, IP addresses, fragments,
     * other characters) is left to {@link URI}, which costs about a microsecond per cell.
     */
    static boolean isHttpUrl(String text) {
        return isPlainHttpUrl(text) || isHttpUrlByUri(text);
    }

    /**
     * True only for {@code http://} or {@code https://}, a host name of dot-separated labels
     * (letters, digits and inner hyphens; the first and the last label begin with a letter, no
     * trailing dot),
     * then nothing or a path and query of RFC 2396 characters and valid {@code %} escapes.
     * False means "not sure", never "invalid".
     */
    static boolean isPlainHttpUrl(String text) {
        int start = text.startsWith("https://") ? 8 : text.startsWith("http://") ? 7 : -1;
        if (start < 0) {
            return false;
        }
        int n = text.length();
        int i = start;
        boolean labelStart = true;
        boolean labelBeginsWithLetter = false;
        char previous = '.';
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (c == '/' || c == '?') {
                break;
            }
            if (c == '.') {
                if (labelStart || previous == '-') {
                    return false;
                }
                labelStart = true;
            } else if (isAsciiLetter(c) || (c >= '0' && c <= '9' && i > start)) {
                if (labelStart) {
                    labelBeginsWithLetter = isAsciiLetter(c);
                }
                labelStart = false;
            } else if (c == '-' && !labelStart) {
                // inner hyphen; the label must not end with it
            } else {
                return false;
            }
            previous = c;
        }
        if (i == start || labelStart || previous == '-' || !labelBeginsWithLetter) {
            return false;
        }
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= n || !isHexDigit(text.charAt(i + 1)) || !isHexDigit(text.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (!(c < 128 && PATH_OR_QUERY[c])) {
                return false;
            }
        }
        return true;
    }

    /** Characters {@link URI} accepts both in a path and in a query: RFC 2396 pchar, ';', '/', '?'. */
    private static final boolean[] PATH_OR_QUERY = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            PATH_OR_QUERY[c] = true;
            PATH_OR_QUERY[Character.toUpperCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            PATH_OR_QUERY[c] = true;
        }
        for (char c : "-_.!~*'():@&=+$,;/?".toCharArray()) {
            PATH_OR_QUERY[c] = true;
        }
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static boolean isHttpUrlByUri(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            return uri.getHost() != null && scheme != null
                    && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static InvalidCell invalid(Column column, Object value, String expectation) {
        return new InvalidCell("column \"" + column.name() + "\" (" + column.type() + ") " + expectation
                + ", got " + describe(value));
    }

    private static String describe(Object value) {
        if (value instanceof String s) {
            return "\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
        }
        if (value instanceof String[] items) {
            return Arrays.toString(items);
        }
        return String.valueOf(value);
    }

    /** JSON of a stored cell (select cells stay ids). */
    static JsonNode toJson(Object cell) {
        return switch (cell) {
            case null -> NODES.nullNode();
            case String s -> NODES.stringNode(s);
            case Long l -> NODES.numberNode(l);
            case Double d -> NODES.numberNode(d);
            case Boolean b -> NODES.booleanNode(b);
            case String[] items -> {
                ArrayNode array = NODES.arrayNode(items.length);
                for (String item : items) {
                    array.add(item);
                }
                yield array;
            }
            default -> throw new IllegalStateException("unexpected cell " + cell.getClass());
        };
    }

    /** JSON of a cell as REST readers see it: select option ids replaced by option names. */
    static JsonNode toDisplayJson(Column column, Object cell) {
        if (cell == null || !column.type().isSelect()) {
            return toJson(cell);
        }
        if (cell instanceof String id) {
            return NODES.stringNode(displayName(column, id));
        }
        ArrayNode names = NODES.arrayNode();
        for (String id : (String[]) cell) {
            names.add(displayName(column, id));
        }
        return names;
    }

    private static String displayName(Column column, String id) {
        String name = column.options().nameOf(id);
        return name != null ? name : id;
    }

    static void write(JsonGenerator out, Object cell) {
        switch (cell) {
            case String s -> out.writeString(s);
            case Long l -> out.writeNumber(l);
            case Double d -> out.writeNumber(d);
            case Boolean b -> out.writeBoolean(b);
            case String[] items -> {
                out.writeStartArray();
                for (String item : items) {
                    out.writeString(item);
                }
                out.writeEndArray();
            }
            default -> throw new IllegalStateException("unexpected cell " + cell.getClass());
        }
    }
}
