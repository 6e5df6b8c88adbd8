package dtable.bench.socket;

import java.util.Arrays;
import java.util.Locale;

/** A growable list of nanosecond samples and its percentiles. Not thread-safe: one writer, or synchronise. */
final class Latencies {

    private long[] samples = new long[1024];
    private int size;

    synchronized void add(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    synchronized long at(int index) {
        return samples[index];
    }

    synchronized int size() {
        return size;
    }

    /** The {@code q} quantile (nearest rank) in milliseconds; NaN when empty. */
    synchronized double millis(double q) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(q * size) - 1;
        return sorted[Math.max(0, Math.min(size - 1, index))] / 1e6;
    }

    /** One line: {@code what: n, p50 …, p90 …, p99 …, max … ms}. */
    String line(String what) {
        return String.format(Locale.ROOT, "%s: n %d, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms", what, size(),
                millis(0.50), millis(0.90), millis(0.99), millis(1.0));
    }
}
