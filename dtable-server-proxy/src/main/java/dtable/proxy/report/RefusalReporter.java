package dtable.proxy.report;

import dtable.core.cluster.EtcdKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the monitor leader that a node refused a connection: writes {@code {ns}refusals/{node_id}} (SPEC §3) under
 * a lease of {@link #KEY_TTL}, at most once per node every {@link #MIN_SPACING}. The leader then probes at once and
 * acts only on its own probes' refusals; the report is a hint about timing, never evidence (a proxy cut off from a
 * node by a firewall sees that node refuse or time out while the node is alive and serving).
 *
 * <p>Only a refused connection is reported: a connect that timed out is slowness, which is never evidence. Called on
 * the proxy's event loops for every failed connect; never blocks (the etcd calls are asynchronous, their failure is
 * logged at debug and forgotten).
 */
public final class RefusalReporter implements BiConsumer<String, Throwable> {

    private static final Logger log = LoggerFactory.getLogger(RefusalReporter.class);
    static final Duration MIN_SPACING = Duration.ofSeconds(1);
    static final long KEY_TTL = 5;

    private final Client client;
    private final EtcdKeys keys;
    private final String reporter;
    private final Clock wallClock;
    private final LongSupplier nanoClock;
    /** node id → nanoTime of its last report. */
    private final Map<String, Long> lastReport = new ConcurrentHashMap<>();

    public RefusalReporter(Client client, EtcdKeys keys, String reporter, Clock wallClock, LongSupplier nanoClock) {
        this.client = Objects.requireNonNull(client, "client");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.reporter = Objects.requireNonNull(reporter, "reporter");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** A connect to {@code nodeId} failed with {@code cause}. */
    @Override
    public void accept(String nodeId, Throwable cause) {
        if (nodeId == null || nodeId.isEmpty() || !isRefusal(cause) || !firstInSpacing(nodeId)) {
            return;
        }
        report(nodeId).whenComplete((ignored, error) -> {
            if (error != null) {
                log.debug("could not report {} refusing connections: {}", nodeId, error.toString());
            }
        });
    }

    /** True for a refused connection (RST to the SYN); false for a timeout or anything else. */
    static boolean isRefusal(Throwable cause) {
        return cause instanceof ConnectException && !(cause instanceof ConnectTimeoutException)
                && String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("refused");
    }

    boolean firstInSpacing(String nodeId) {
        long now = nanoClock.getAsLong();
        boolean[] first = {false};
        lastReport.compute(nodeId, (id, last) -> {
            if (last == null || now - last >= MIN_SPACING.toNanos()) {
                first[0] = true;
                return now;
            }
            return last;
        });
        return first[0];
    }

    private CompletableFuture<?> report(String nodeId) {
        ByteSequence key = ByteSequence.from(keys.refusal(nodeId), StandardCharsets.UTF_8);
        ByteSequence value = ByteSequence.from("{\"node_id\":\"" + nodeId + "\",\"reported_by\":\"" + reporter
                + "\",\"at\":\"" + wallClock.instant() + "\"}", StandardCharsets.UTF_8);
        return client.getLeaseClient().grant(KEY_TTL).thenCompose(lease -> client.getKVClient()
                .put(key, value, PutOption.builder().withLeaseId(lease.getID()).build()));
    }
}
