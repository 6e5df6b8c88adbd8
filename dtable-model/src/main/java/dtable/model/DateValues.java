package dtable.model;

/**
 * What a {@code date} cell accepts: an ISO-8601 date {@code yyyy-MM-dd}, optionally followed by
 * {@code T} or a space (SeaTable writes {@code "2024-05-01 09:30"}) and {@code HH:mm}, optional
 * {@code :ss}, optional fraction of 1 to 9 digits, optional zone {@code Z} or {@code ±HH:mm}.
 * The text is kept as given. Checked by hand because a base may hold millions of dates.
 */
final class DateValues {

    private DateValues() {
    }

    static boolean isValid(String s) {
        int n = s.length();
        if (n < 10 || s.charAt(4) != '-' || s.charAt(7) != '-') {
            return false;
        }
        int year = Timestamps.digits(s, 0, 4);
        int month = Timestamps.digits(s, 5, 2);
        int day = Timestamps.digits(s, 8, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
            return false;
        }
        if (n == 10) {
            return true;
        }
        char sep = s.charAt(10);
        if ((sep != 'T' && sep != ' ') || n < 16 || s.charAt(13) != ':') {
            return false;
        }
        int hour = Timestamps.digits(s, 11, 2);
        int minute = Timestamps.digits(s, 14, 2);
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59) {
            return false;
        }
        int i = 16;
        if (i < n && s.charAt(i) == ':') {
            if (n < i + 3) {
                return false;
            }
            int second = Timestamps.digits(s, i + 1, 2);
            if (second < 0 || second > 59) {
                return false;
            }
            i += 3;
            if (i < n && s.charAt(i) == '.') {
                int start = ++i;
                while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    i++;
                }
                if (i == start || i - start > 9) {
                    return false;
                }
            }
        }
        return i == n || isZone(s, i);
    }

    private static boolean isZone(String s, int i) {
        int rest = s.length() - i;
        if (rest == 1) {
            return s.charAt(i) == 'Z';
        }
        if (rest != 6 || (s.charAt(i) != '+' && s.charAt(i) != '-') || s.charAt(i + 3) != ':') {
            return false;
        }
        int hours = Timestamps.digits(s, i + 1, 2);
        int minutes = Timestamps.digits(s, i + 4, 2);
        return hours >= 0 && hours <= 18 && minutes >= 0 && minutes <= 59;
    }

    static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }
}
