package dtable.clustertest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checker's findings for one scenario: how many writes were acknowledged and logged, and every
 * invariant violation by kind ({@code lost}, {@code dup}, {@code gaps}, {@code epoch_regressions},
 * {@code shared_epochs}, {@code conflicting_acks}, {@code ack_node_mismatch}, {@code observed_mismatch},
 * {@code stream_gaps}, {@code reader_mismatch}, {@code zombie_commits}, {@code applied_despite_refusal}) with examples.
 *
 * @param unknownOutcomes writes the client saw fail without a "not applied" promise (timeout, 502/504, closed socket)
 * @param unknownApplied  how many of those the log holds nonetheless
 * @param counts   kind → number of violations
 * @param examples the first few violation descriptions per kind
 */
record AuditReport(int acked, int logged, int unknownOutcomes, int unknownApplied, Map<String, Integer> counts,
                   Map<String, List<String>> examples) {

    static final int EXAMPLES = 5;

    int count(String kind) {
        return counts.getOrDefault(kind, 0);
    }

    boolean clean() {
        return counts.isEmpty();
    }

    /** One line per kind with its examples, for assertion messages. */
    String describe() {
        if (clean()) {
            return "no violations";
        }
        StringBuilder text = new StringBuilder();
        counts.forEach((kind, n) -> {
            text.append(kind).append('=').append(n).append('\n');
            examples.get(kind).forEach(e -> text.append("    ").append(e).append('\n'));
        });
        return text.toString();
    }

    /** Collects findings; not thread-safe (the checker runs on one thread). */
    static final class Builder {
        private int acked;
        private int logged;
        private int unknown;
        private int unknownApplied;
        private final Map<String, Integer> counts = new LinkedHashMap<>();
        private final Map<String, List<String>> examples = new LinkedHashMap<>();

        void problem(String kind, String description) {
            counts.merge(kind, 1, Integer::sum);
            List<String> list = examples.computeIfAbsent(kind, k -> new ArrayList<>());
            if (list.size() < EXAMPLES) {
                list.add(description);
            }
        }

        void unknownOutcome(boolean applied) {
            unknown++;
            unknownApplied += applied ? 1 : 0;
        }

        void acked(int n) {
            acked = n;
        }

        void logged(int n) {
            logged += n;
        }

        AuditReport build() {
            Map<String, List<String>> frozen = new LinkedHashMap<>();
            examples.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
            return new AuditReport(acked, logged, unknown, unknownApplied, Collections.unmodifiableMap(new LinkedHashMap<>(counts)),
                    Collections.unmodifiableMap(frozen));
        }
    }
}
