package dtable.model;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * {@code _ctime} / {@code _mtime} text: ISO-8601 UTC with milliseconds, {@code 2024-05-01T09:30:00.123Z}.
 * A million-row base holds two million of them, so the common shape is parsed and formatted by hand
 * (java.time costs about a microsecond each); anything else ISO-8601 with an offset, or a local
 * date-time taken as UTC, goes through java.time. Stateless and thread-safe.
 */
final class Timestamps {

    private static final DateTimeFormatter SLOW_FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private Timestamps() {
    }

    /** Epoch milliseconds of an ISO-8601 time; throws {@link IllegalArgumentException} when it is not one. */
    static long parse(String text) {
        return parse((CharSequence) text);
    }

    /** {@link #parse(String)} of a character sequence (a parser's buffer: no String for the common shape). */
    static long parse(CharSequence text) {
        if (text.length() == 24 && text.charAt(23) == 'Z') {
            long fast = parseCanonical(text);
            if (fast != Long.MIN_VALUE) {
                return fast;
            }
        }
        return parseSlowly(text.toString());
    }

    private static long parseSlowly(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not an ISO-8601 time: \"" + text + "\"");
            }
        }
    }

    /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ}, or {@code Long.MIN_VALUE} when the text is not exactly that. */
    private static long parseCanonical(CharSequence s) {
        if (s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(19) != '.') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        int millis = digits(s, 20, 3);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > DateValues.daysInMonth(year, month)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) {
            return Long.MIN_VALUE;
        }
        return daysFromCivil(year, month, day) * MILLIS_PER_DAY
                + ((hour * 60L + minute) * 60L + second) * 1000L + millis;
    }

    /** The value of {@code count} ASCII digits at {@code from}, or -1 when one is not a digit. */
    static int digits(CharSequence s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC. */
    static String format(long epochMillis) {
        long days = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        long msOfDay = Math.floorMod(epochMillis, MILLIS_PER_DAY);
        // Howard Hinnant's civil_from_days
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            return SLOW_FORMAT.format(Instant.ofEpochMilli(epochMillis));
        }
        char[] out = new char[24];
        put(out, 0, (int) year, 4);
        out[4] = '-';
        put(out, 5, month, 2);
        out[7] = '-';
        put(out, 8, day, 2);
        out[10] = 'T';
        put(out, 11, (int) (msOfDay / 3_600_000), 2);
        out[13] = ':';
        put(out, 14, (int) (msOfDay / 60_000 % 60), 2);
        out[16] = ':';
        put(out, 17, (int) (msOfDay / 1000 % 60), 2);
        out[19] = '.';
        put(out, 20, (int) (msOfDay % 1000), 3);
        out[23] = 'Z';
        return new String(out);
    }

    private static void put(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
    static long daysFromCivil(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }
}
