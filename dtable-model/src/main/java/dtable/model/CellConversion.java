package dtable.model;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How {@code modify_column_type} carries cells over to the new type. A cell that still fits is kept;
 * otherwise it is converted through its text form when that has an obvious meaning in the new type,
 * and cleared when it has none. Never throws, so a type change always succeeds once validated.
 *
 * <ul>
 *   <li>to text / long-text: the text form (numbers without a trailing {@code .0}, checkbox
 *       {@code "true"/"false"}, select options by name, several joined by {@code ", "});</li>
 *   <li>to number / duration: numbers kept, numeric text parsed, anything else cleared;</li>
 *   <li>to rate: integers in range kept (also integral numbers and numeric text), else cleared;</li>
 *   <li>to checkbox: booleans kept, text {@code true/false} (any case) converted, else cleared;</li>
 *   <li>to date / email / url: text that is valid for the new type kept, else cleared;</li>
 *   <li>to single- / multiple-select: from a select column by option id, else by option name; from
 *       other columns the text form (split at commas for multiple-select) matched against the new
 *       options by id or name; values that match no option are dropped. When the operation brings no
 *       options and the old column was not a select column, {@code prepare} creates one option per
 *       distinct text (first 1,000), so nothing is lost.</li>
 * </ul>
 */
final class CellConversion {

    private CellConversion() {
    }

    static Object convert(Object cell, Column from, Column to) {
        if (cell == null) {
            return null;
        }
        if (to.type().isSelect()) {
            return toSelect(cell, from, to);
        }
        Object plain = from.type().isSelect() ? optionNames(cell, from) : cell;
        try {
            return CellValues.normalize(to, plain);
        } catch (CellValues.InvalidCell notAsIs) {
            return fromText(textOf(plain), to);
        }
    }

    /** The names a cell would become options under, for option creation; in row order. */
    static List<String> optionCandidates(Object cell, Column from, ColumnType to) {
        if (cell == null) {
            return List.of();
        }
        Object plain = from.type().isSelect() ? optionNames(cell, from) : cell;
        return candidates(plain, to);
    }

    private static Object toSelect(Object cell, Column from, Column to) {
        List<String> ids = new ArrayList<>();
        if (from.type().isSelect()) {
            String[] oldIds = cell instanceof String id ? new String[] {id} : (String[]) cell;
            for (String oldId : oldIds) {
                String id = to.options().resolve(oldId);
                if (id == null && from.options().nameOf(oldId) != null) {
                    id = to.options().resolve(from.options().nameOf(oldId));
                }
                if (id != null) {
                    ids.add(id);
                }
            }
        } else {
            for (String candidate : candidates(cell, to.type())) {
                String id = to.options().resolve(candidate);
                if (id != null) {
                    ids.add(id);
                }
            }
        }
        if (ids.isEmpty()) {
            return null;
        }
        if (to.type() == ColumnType.SINGLE_SELECT) {
            return ids.getFirst();
        }
        Set<String> distinct = new LinkedHashSet<>(ids);
        return distinct.toArray(String[]::new);
    }

    private static List<String> candidates(Object plain, ColumnType to) {
        List<String> out = new ArrayList<>();
        if (plain instanceof String[] items) {
            for (String item : items) {
                addTrimmed(out, item);
            }
        } else if (to == ColumnType.MULTIPLE_SELECT && plain instanceof String text) {
            for (String part : text.split(",")) {
                addTrimmed(out, part);
            }
        } else {
            addTrimmed(out, textOf(plain));
        }
        return out;
    }

    private static void addTrimmed(List<String> out, String text) {
        String trimmed = text.strip();
        if (!trimmed.isEmpty()) {
            out.add(trimmed);
        }
    }

    private static Object optionNames(Object cell, Column from) {
        if (cell instanceof String id) {
            String name = from.options().nameOf(id);
            return name != null ? name : id;
        }
        String[] ids = (String[]) cell;
        String[] names = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            String name = from.options().nameOf(ids[i]);
            names[i] = name != null ? name : ids[i];
        }
        return names;
    }

    /** Text form of a plain value. */
    static String textOf(Object plain) {
        return switch (plain) {
            case String s -> s;
            case Long l -> Long.toString(l);
            case Double d -> BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
            case Boolean b -> b.toString();
            case String[] items -> String.join(", ", items);
            default -> String.valueOf(plain);
        };
    }

    private static Object fromText(String text, Column to) {
        String trimmed = text.strip();
        try {
            return switch (to.type()) {
                case TEXT, LONG_TEXT -> text;
                case NUMBER, DURATION -> parseNumber(trimmed);
                case RATE -> {
                    Object number = parseNumber(trimmed);
                    Long rate = number instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15
                            ? Long.valueOf(d.longValue()) : number instanceof Long l ? l : null;
                    yield rate != null && rate >= 0 && rate <= to.rateMax() ? rate : null;
                }
                case CHECKBOX -> trimmed.equalsIgnoreCase("true") ? Boolean.TRUE
                        : trimmed.equalsIgnoreCase("false") ? Boolean.FALSE : null;
                case DATE, EMAIL, URL -> CellValues.normalize(to, trimmed);
                case SINGLE_SELECT, MULTIPLE_SELECT -> null; // handled by toSelect
                case LINK -> null; // modify_column_type refuses link columns
            };
        } catch (CellValues.InvalidCell | NumberFormatException doesNotFit) {
            return null;
        }
    }

    /** A Long for integral decimal text that fits, else a finite Double; plain decimal notation only. */
    private static Object parseNumber(String text) {
        if (text.isEmpty()) {
            return null;
        }
        BigDecimal decimal = new BigDecimal(text);
        try {
            return decimal.longValueExact();
        } catch (ArithmeticException notIntegral) {
            double d = decimal.doubleValue();
            return Double.isFinite(d) ? d : null;
        }
    }
}
