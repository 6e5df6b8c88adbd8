package dtable.clustertest;

import dtable.core.bucket.BaseUuid;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-base recovery after a node lost its bases: for each base, the time from {@code since} (the fault took effect)
 * to the first write acknowledged by another node. What the goals measure ("all its bases acknowledged again
 * through the proxy", "its bases are written again").
 */
final class Recovery {

    private Recovery() {
    }

    /**
     * @param httpOnly only writes through the proxy count
     * @return milliseconds per base, in the order of {@code bases}; -1 for a base not written again
     */
    static List<Long> takenOver(ScenarioRunner.Context ctx, List<BaseUuid> bases, String lostNode, long since,
                                boolean httpOnly) {
        List<Long> times = new ArrayList<>();
        for (BaseUuid base : bases) {
            long first = ctx.history.acks().stream()
                    .filter(a -> a.base().equals(base.value()) && !a.node().equals(lostNode) && a.ackedAt() >= since
                            && (!httpOnly || ScenarioRunner.isHttp(a.client())))
                    .mapToLong(a -> a.ackedAt() - since).min().orElse(-1);
            times.add(first);
        }
        return times;
    }

    static long median(List<Long> times) {
        List<Long> sorted = times.stream().sorted().toList();
        return sorted.isEmpty() || sorted.get(0) < 0 ? -1 : sorted.get((sorted.size() - 1) / 2);
    }

    static long max(List<Long> times) {
        return times.contains(-1L) ? -1 : times.stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    static String describe(List<Long> times) {
        return "median " + median(times) + " ms, max " + max(times) + " ms " + times;
    }
}
