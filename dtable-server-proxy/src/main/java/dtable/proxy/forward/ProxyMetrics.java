package dtable.proxy.forward;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's Prometheus metrics (SPEC §9):
 * <ul>
 *   <li>{@code dtable_proxy_requests_total{node,status}}: answered requests by the node that served
 *       them ({@code proxy} for answers of the proxy itself, {@code slave} for stale reads);</li>
 *   <li>{@code dtable_proxy_retries_total{reason}}: repeated attempts (moved, unavailable, unreachable,
 *       connection_lost, timeout, no_owner);</li>
 *   <li>{@code dtable_proxy_latency_seconds{node}}: time from receiving a request to the end of its
 *       answer, retries included.</li>
 * </ul>
 * Meters are cached per node and status so the request path does no registry lookup. Thread-safe.
 */
public final class ProxyMetrics {

    /** The node tag of answers the proxy gave itself. */
    public static final String PROXY = "proxy";

    private final MeterRegistry registry;
    private final Map<String, NodeMeters> nodes = new ConcurrentHashMap<>();
    private final Map<Outcome.Reason, Counter> retries = new ConcurrentHashMap<>();

    public ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts one answered request and its latency. */
    public void answered(String node, int status, long nanos) {
        NodeMeters meters = nodes.computeIfAbsent(node, NodeMeters::new);
        meters.latency.record(nanos, TimeUnit.NANOSECONDS);
        meters.requests.computeIfAbsent(status, meters::counter).increment();
    }

    /** Counts one repeated attempt. */
    public void retried(Outcome.Reason reason) {
        retries.computeIfAbsent(reason, r -> Counter.builder("dtable.proxy.retries")
                .description("attempts repeated because a node had not applied the request")
                .tag("reason", r.label()).register(registry)).increment();
    }

    private final class NodeMeters {
        private final String node;
        private final Timer latency;
        private final Map<Integer, Counter> requests = new ConcurrentHashMap<>();

        NodeMeters(String node) {
            this.node = node;
            this.latency = Timer.builder("dtable.proxy.latency")
                    .description("time from request to the end of the answer, retries included")
                    .tag("node", node)
                    .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25),
                            Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(2),
                            Duration.ofSeconds(15))
                    .register(registry);
        }

        Counter counter(int status) {
            return Counter.builder("dtable.proxy.requests")
                    .description("requests answered, by serving node and status")
                    .tag("node", node).tag("status", Integer.toString(status))
                    .register(registry);
        }
    }
}
