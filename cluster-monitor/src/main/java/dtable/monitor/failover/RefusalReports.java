package dtable.monitor.failover;

import dtable.core.cluster.EtcdKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the refusals proxies report ({@code {ns}refusals/{node_id}}, SPEC §3) to {@link FastFailover#reported}.
 * A watch of the prefix from now on: a report missed while the watch reconnects costs nothing but time (the
 * leader's own rounds probe every node anyway), so no history is replayed. Only puts count; the keys' short leases
 * clean them up. Errors end the watch; it is opened again after {@value #RETRY_MILLIS} ms.
 *
 * <p>Threads: jetcd calls the listener on its own threads; the callback must be thread-safe (FastFailover's is).
 * Re-watching happens on one {@code refusal-reports} thread.
 */
public final class RefusalReports implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RefusalReports.class);
    static final long RETRY_MILLIS = 1000;

    private final Client client;
    private final String prefix;
    private final Consumer<String> onReport;
    private final ScheduledExecutorService thread;
    /** The live watch; replaced on the refusal-reports thread. */
    private volatile Watch.Watcher watcher;
    private volatile boolean closed;

    private RefusalReports(Client client, EtcdKeys keys, Consumer<String> onReport) {
        this.client = Objects.requireNonNull(client, "client");
        this.prefix = keys.refusalsPrefix();
        this.onReport = Objects.requireNonNull(onReport, "onReport");
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("refusal-reports").daemon(true).factory());
    }

    /** Starts watching; {@code onReport} gets the node id of every report. */
    public static RefusalReports start(Client client, EtcdKeys keys, Consumer<String> onReport) {
        RefusalReports reports = new RefusalReports(client, keys, onReport);
        reports.thread.execute(reports::watch);
        return reports;
    }

    /** The refusals thread. */
    private void watch() {
        if (closed) {
            return;
        }
        ByteSequence key = ByteSequence.from(prefix, StandardCharsets.UTF_8);
        watcher = client.getWatchClient().watch(key, io.etcd.jetcd.options.WatchOption.builder().isPrefix(true).build(),
                Watch.listener(this::onResponse, this::onError));
    }

    private void onResponse(WatchResponse response) {
        for (WatchEvent event : response.getEvents()) {
            if (event.getEventType() != WatchEvent.EventType.PUT) {
                continue;
            }
            String nodeId = EtcdKeys.suffix(event.getKeyValue().getKey().toString(StandardCharsets.UTF_8), prefix);
            if (nodeId != null && !nodeId.isEmpty() && !nodeId.contains("/")) {
                try {
                    onReport.accept(nodeId);
                } catch (RuntimeException e) {
                    log.warn("handling the refusal report of {} failed", nodeId, e);
                }
            }
        }
    }

    private void onError(Throwable error) {
        if (closed) {
            return;
        }
        log.debug("refusal reports watch ended ({}); watching again in {} ms", error.toString(), RETRY_MILLIS);
        try {
            thread.schedule(() -> {
                closeWatcher();
                watch();
            }, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void closeWatcher() {
        Watch.Watcher current = watcher;
        watcher = null;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        closeWatcher();
    }

    @Override
    public String toString() {
        return "RefusalReports{" + prefix + "}";
    }
}
