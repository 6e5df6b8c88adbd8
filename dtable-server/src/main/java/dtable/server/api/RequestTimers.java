package dtable.server.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.http.Outcome;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@code http.server.requests} timers that Spring's request observation would record, with its tags, for the
 * requests answered outside it (the lean writes and the write port): the observation's per-request context,
 * conventions and handlers were about 5 % of the node's CPU per write (docs/benchmarks.md). Thread-safe.
 */
final class RequestTimers {

    private final MeterRegistry meters;
    /** Keyed by {@code "METHOD status uri error"}. */
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    RequestTimers(MeterRegistry meters) {
        this.meters = meters;
    }

    /**
     * Records one request. A failure answered with an error status is a status, as the observation records it
     * ({@code error} and {@code exception} "none"); only one that escaped every answer names its exception.
     *
     * @param uri the path pattern, e.g. {@code /api/v1/dtables/{uuid}/rows/}
     */
    void record(String method, int status, String uri, String error, long nanos) {
        timers.computeIfAbsent(method + " " + status + " " + uri + " " + error, key ->
                Timer.builder("http.server.requests").tag("error", error).tag("exception", error).tag("method", method)
                        .tag("outcome", Outcome.forStatus(status).name()).tag("status", Integer.toString(status))
                        .tag("uri", uri).register(meters))
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
