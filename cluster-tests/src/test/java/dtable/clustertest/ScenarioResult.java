package dtable.clustertest;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scenario's figures: acknowledged writes, the checker's findings, client-visible errors (HTTP
 * through the proxy and socket separately: a socket closed by a bucket move is the designed behaviour,
 * an HTTP error through the proxy during a move is not), the recovery time — the longest stretch any
 * base went without an acknowledged write from the moment the fault began — and the HTTP writes held
 * longer than {@link ScenarioRunner#SLOW_REQUEST} (a stalled node).
 */
record ScenarioResult(String name, AuditReport audit, int httpErrors, int socketErrors, Map<String, Integer> errorKinds,
                      long recoveryMillis, long durationMillis, long p50Millis, long p99Millis, int slowRequests,
                      List<String> notes,
                      List<String> failedExpectations) {

    int acked() {
        return audit.acked();
    }

    int lost() {
        return audit.count("lost");
    }

    int dup() {
        return audit.count("dup");
    }

    int errors() {
        return httpErrors + socketErrors;
    }

    /** {@code SCENARIO name acked=.. lost=.. dup=.. errors=.. recovery_ms=..} plus the details. */
    String line() {
        return String.format(Locale.ROOT, "SCENARIO %s acked=%d lost=%d dup=%d errors=%d recovery_ms=%d"
                        + " (http_errors=%d socket_errors=%d unknown_outcome=%d of_which_applied=%d violations=%s"
                        + " ack_latency_p50=%dms p99=%dms slow_requests=%d"
                        + " error_kinds=%s duration_ms=%d)%s",
                name, acked(), lost(), dup(), errors(), recoveryMillis, httpErrors, socketErrors,
                audit.unknownOutcomes(), audit.unknownApplied(), audit.clean() ? "none" : audit.counts(), p50Millis, p99Millis, slowRequests, new TreeMap<>(errorKinds), durationMillis,
                notes.isEmpty() ? "" : " " + String.join("; ", notes))
                + (failedExpectations.isEmpty() ? "" : " FAILED: " + String.join("; ", failedExpectations));
    }

    /** A Markdown table row for docs/reliability.md. */
    String markdownRow() {
        return String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %d | %s |", name, acked(), lost(), dup(),
                errors(), httpErrors, socketErrors, recoveryMillis, audit.clean() ? "none" : audit.counts());
    }

    static String markdownHeader() {
        return "| scenario | acked | lost | dup | errors | http errors | socket errors | recovery ms | violations |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---|";
    }
}
