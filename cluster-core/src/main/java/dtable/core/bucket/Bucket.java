package dtable.core.bucket;

import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * One of the 256 fixed buckets {@code 00}..{@code ff}: the first two hex characters of a base UUID.
 * Instances are interned, so {@code ==} works, and they order by number.
 */
public final class Bucket implements Comparable<Bucket> {

    public static final int COUNT = 256;

    private static final Bucket[] ALL = IntStream.range(0, COUNT).mapToObj(Bucket::new).toArray(Bucket[]::new);
    private static final List<Bucket> ALL_LIST = List.of(ALL);

    private final int index;
    private final String hex;

    private Bucket(int index) {
        this.index = index;
        this.hex = String.format(Locale.ROOT, "%02x", index);
    }

    public static Bucket of(int index) {
        if (index < 0 || index >= COUNT) {
            throw new IllegalArgumentException("bucket index out of range 0..255: " + index);
        }
        return ALL[index];
    }

    /** Parses two hex characters in any case. */
    public static Bucket of(String hex) {
        if (hex == null || hex.length() != 2) {
            throw new IllegalArgumentException("invalid bucket: " + hex);
        }
        try {
            return ALL[Integer.parseInt(hex, 16)];
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid bucket: " + hex);
        }
    }

    /** All 256 buckets in order. */
    public static List<Bucket> all() {
        return ALL_LIST;
    }

    public int index() {
        return index;
    }

    /** Two lowercase hex characters, as used in etcd keys and JSON. */
    public String hex() {
        return hex;
    }

    @Override
    public int compareTo(Bucket other) {
        return Integer.compare(index, other.index);
    }

    @Override
    public String toString() {
        return hex;
    }
}
