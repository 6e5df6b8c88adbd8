package dtable.core.bucket;

import java.util.Locale;

/**
 * A base UUID in its normal form: lowercase, dashed {@code 8-4-4-4-12}.
 *
 * <p>Accepted input: 32 hex digits, with or without the four dashes in their usual places, in any
 * case. Anything else is rejected with {@link InvalidBaseUuidException}, whose message is the
 * API's {@code error_msg} ("invalid dtable_uuid").
 */
public record BaseUuid(String value) implements Comparable<BaseUuid> {

    public BaseUuid {
        if (value == null || normalForm(value) != value) {
            throw new InvalidBaseUuidException();
        }
    }

    /** Parses any accepted form; throws {@link InvalidBaseUuidException} otherwise. */
    public static BaseUuid parse(String text) {
        String normal = text == null ? null : normalForm(text);
        if (normal == null) {
            throw new InvalidBaseUuidException();
        }
        return new BaseUuid(normal);
    }

    /**
     * The normal form of an accepted text, {@code text} itself when it is in normal form already; null when the
     * text is not accepted. A loop over the characters: every request names a base, and the regular expressions
     * this replaced were about 1 % of a node's CPU per write (docs/benchmarks.md).
     */
    private static String normalForm(String text) {
        if (text.length() == 36) {
            boolean lower = true;
            for (int i = 0; i < 36; i++) {
                char c = text.charAt(i);
                if (i == 8 || i == 13 || i == 18 || i == 23) {
                    if (c != '-') {
                        return null;
                    }
                } else if (lowerHex(c) != c) {
                    if (lowerHex(c) < 0) {
                        return null;
                    }
                    lower = false;
                }
            }
            return lower ? text : text.toLowerCase(Locale.ROOT);
        }
        if (text.length() == 32) {
            char[] dashed = new char[36];
            int at = 0;
            for (int i = 0; i < 32; i++) {
                int c = lowerHex(text.charAt(i));
                if (c < 0) {
                    return null;
                }
                if (i == 8 || i == 12 || i == 16 || i == 20) {
                    dashed[at++] = '-';
                }
                dashed[at++] = (char) c;
            }
            return new String(dashed);
        }
        return null;
    }

    /** The hex digit {@code c} in lower case, or -1 when it is not one. */
    private static int lowerHex(char c) {
        if (c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
            return c;
        }
        return c >= 'A' && c <= 'F' ? c + ('a' - 'A') : -1;
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
