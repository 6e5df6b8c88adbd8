package dtable.bench.socket;

/**
 * The little JSON the generator reads and writes on its hot path, by hand: finding one number in
 * a frame is far cheaper than parsing ten thousand sockets' frames into trees.
 */
final class Json {

    private Json() {
    }

    /** {@code text} as a JSON string literal. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** The integer right after the first {@code key} (e.g. {@code "\"version\":"}); fails when absent. */
    static long longAfter(String text, String key) {
        int at = text.indexOf(key);
        if (at < 0) {
            throw new IllegalArgumentException("no " + key + " in frame");
        }
        return digits(text, at + key.length());
    }

    /** The string value right after {@code key}, or null when it is {@code null} or absent. */
    static String stringAfter(String text, String key) {
        int at = text.indexOf(key);
        if (at < 0 || text.startsWith("null", at + key.length())) {
            return null;
        }
        int start = text.indexOf('"', at + key.length()) + 1;
        return text.substring(start, text.indexOf('"', start));
    }

    /** The integer that ends a JSON array such as {@code [...,"…",42]}. */
    static long lastLong(String text) {
        int end = text.lastIndexOf(']');
        int start = end;
        while (start > 0 && Character.isDigit(text.charAt(start - 1))) {
            start--;
        }
        return Long.parseLong(text.substring(start, end));
    }

    private static long digits(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) == ' ') {
            i++;
        }
        int start = i;
        while (i < text.length() && Character.isDigit(text.charAt(i))) {
            i++;
        }
        return Long.parseLong(text.substring(start, i));
    }
}
