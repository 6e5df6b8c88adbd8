package dtable.core.bucket;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A base UUID in its normal form: lowercase, dashed {@code 8-4-4-4-12}.
 *
 * <p>Accepted input: 32 hex digits, with or without the four dashes in their usual places, in any
 * case. Anything else is rejected with {@link InvalidBaseUuidException}, whose message is the
 * API's {@code error_msg} ("invalid dtable_uuid").
 */
public record BaseUuid(String value) implements Comparable<BaseUuid> {

    private static final Pattern DASHED =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern PLAIN = Pattern.compile("[0-9a-fA-F]{32}");

    public BaseUuid {
        if (value == null || !DASHED.matcher(value).matches() || !value.equals(value.toLowerCase(Locale.ROOT))) {
            throw new InvalidBaseUuidException();
        }
    }

    /** Parses any accepted form; throws {@link InvalidBaseUuidException} otherwise. */
    public static BaseUuid parse(String text) {
        if (text == null) {
            throw new InvalidBaseUuidException();
        }
        String hex;
        if (text.length() == 36 && DASHED.matcher(text).matches()) {
            hex = text.replace("-", "");
        } else if (text.length() == 32 && PLAIN.matcher(text).matches()) {
            hex = text;
        } else {
            throw new InvalidBaseUuidException();
        }
        hex = hex.toLowerCase(Locale.ROOT);
        return new BaseUuid(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16)
                + "-" + hex.substring(16, 20) + "-" + hex.substring(20));
    }

    /** True when {@link #parse} would accept the text. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (InvalidBaseUuidException e) {
            return false;
        }
    }

    /** The bucket this base lives in: its first two hex characters. */
    public Bucket bucket() {
        return Bucket.of(value.substring(0, 2));
    }

    /** The 32 hex digits without dashes. */
    public String compact() {
        return value.replace("-", "");
    }

    @Override
    public int compareTo(BaseUuid other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
