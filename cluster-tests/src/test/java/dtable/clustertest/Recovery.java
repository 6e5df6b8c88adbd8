package dtable.clustertest;

import dtable.core.bucket.BaseUuid;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-base recovery after a fault: for each base, the time from the fault to the first write through the proxy
 * (an HTTP client) that was sent after the fault and acknowledged. What the goal measures: "all its bases
 * acknowledged again through the proxy".
 */
final class Recovery {

    private Recovery() {
    }

    /** @return milliseconds per base, in the order of {@code bases}; -1 for a base not written again */
    static List<Long> throughProxy(ScenarioRunner.Context ctx, List<BaseUuid> bases) {
        List<Long> times = new ArrayList<>();
        for (BaseUuid base : bases) {
            long first = ctx.history.acks().stream()
                    .filter(a -> a.base().equals(base.value()) && ScenarioRunner.isHttp(a.client())
                            && a.sentAt() >= ctx.faultAt)
                    .mapToLong(a -> a.ackedAt() - ctx.faultAt).min().orElse(-1);
            times.add(first);
        }
        return times;
    }

    static long median(List<Long> times) {
        List<Long> sorted = times.stream().sorted().toList();
        return sorted.isEmpty() ? -1 : sorted.get((sorted.size() - 1) / 2);
    }

    static long max(List<Long> times) {
        return times.contains(-1L) ? -1 : times.stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    static String describe(List<Long> times) {
        return "median " + median(times) + " ms, max " + max(times) + " ms " + times;
    }
}
