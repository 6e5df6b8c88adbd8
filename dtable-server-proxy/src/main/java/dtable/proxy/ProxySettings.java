package dtable.proxy;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tuning of the forwarding path, as Spring properties {@code dtable.proxy.*} (command line or
 * environment); the SeaTable-style JSON file keeps only what operators set ({@code listen_port},
 * {@code retry_budget_ms}, ...).
 *
 * @param connectTimeout        TCP connect timeout to a node; a refused or timed-out connect is retried
 * @param responseTimeout       time from the request being written to the response head; after it a
 *                              non-GET answers 504 (it may have been applied), a GET is retried
 * @param replayBufferBytes     request bodies up to this size are buffered so they can be re-sent to a
 *                              new owner; larger ones stream once
 * @param maxIdlePerNode        idle keep-alive connections kept per node and event loop (connections
 *                              in use are not limited: each client connection uses at most one)
 * @param poolMaxIdleTime       pooled connections idle this long are not reused (before a node's own
 *                              keep-alive timeout can close them under a request) and are closed by a
 *                              sweep at most a quarter of this later
 * @param firstBackoff          first wait before retrying at an unchanged owner; doubles per retry
 * @param maxBackoff            the longest such wait
 * @param forwardBytes          plain GETs go to their node as bytes, without HTTP codecs (docs/proxy.md);
 *                              false sends every request through the codec path
 */
@ConfigurationProperties("dtable.proxy")
public record ProxySettings(
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("60s") Duration responseTimeout,
        @DefaultValue("1048576") long replayBufferBytes,
        @DefaultValue("256") int maxIdlePerNode,
        @DefaultValue("10s") Duration poolMaxIdleTime,
        @DefaultValue("50ms") Duration firstBackoff,
        @DefaultValue("500ms") Duration maxBackoff,
        @DefaultValue("true") boolean forwardBytes) {

    /** The defaults above, for code that runs without Spring (tests, benchmarks). */
    public static ProxySettings defaults() {
        return new ProxySettings(Duration.ofSeconds(2), Duration.ofSeconds(60), 1 << 20, 256,
                Duration.ofSeconds(10), Duration.ofMillis(50), Duration.ofMillis(500), true);
    }

    /** The wait before retry number {@code retry} (0-based) at an owner that has not changed. */
    public Duration backoff(int retry) {
        long millis = firstBackoff.toMillis() << Math.min(retry, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
