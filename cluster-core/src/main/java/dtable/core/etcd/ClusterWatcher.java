package dtable.core.etcd;

import dtable.core.cluster.BucketMap;
import dtable.core.cluster.EtcdKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors the cluster namespace of etcd into immutable {@link BucketMap} snapshots.
 *
 * <p>Contract: a range read of the whole namespace, then one watch of the namespace prefix from
 * that read's revision + 1. Every watch response is applied to a copy of the current snapshot
 * and the result is swapped into a volatile field ({@link #current()}), so readers never lock.
 * A snapshot's {@link BucketMap#revision()} is the revision of the read or of the last change of
 * the namespace it includes; all changes of the namespace up to it are applied. On a compaction
 * error the watcher reads the namespace again and re-watches; on any other watch error it
 * reconnects (backoff 200 ms doubling to 5 s) and resumes from its revision + 1. While etcd is
 * unreachable it keeps the last snapshot, {@link #isFresh()} is false, and it keeps retrying.
 * Malformed keys and values are logged and skipped.
 *
 * <p>etcd replaced: every answer's header is checked against what this watcher has seen
 * ({@link EtcdLineage}): another cluster id, or a linearizable read at a lower revision, means etcd lost
 * its data or was restored from an older snapshot. A watch resumed at a revision the new etcd has not
 * reached would simply stay silent, so besides the watch a cheap read of the {@code generation} key runs
 * every {@value #PROBE_MILLIS} ms: its header shows the regression, and its value must agree with the
 * snapshot (a generation the watch never delivered means the watch skipped a history). On any of these
 * the watcher logs an ERROR naming the old and new revision or cluster id, reads the namespace from
 * scratch and publishes it with {@link BucketMap#incarnation()} + 1; listeners receive snapshots in
 * (incarnation, revision) order, so the lower revisions of the new etcd are not dropped as old news.
 *
 * <p>Threads: one thread ({@code cluster-watcher}) reads, watches and applies; every field marked
 * "watcher thread" is touched only there, and jetcd's callbacks are handed to it in arrival order.
 * Listeners run on a second thread ({@code cluster-watcher-listeners}), one snapshot at a time in
 * revision order, so a slow listener delays only other listeners; they are called after every full
 * read and every change of content (a change of election keys moves the revision but calls nobody).
 */
public final class ClusterWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterWatcher.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);
    static final long PROBE_MILLIS = 1000;

    private final Client client;
    private final ByteSequence prefix;
    private final BucketMapDelta delta;
    private final ScheduledExecutorService watcherThread;
    private final ExecutorService listenerThread;
    private final List<ListenerSlot> listeners = new CopyOnWriteArrayList<>();
    private final Object revisionSignal = new Object();
    private final CountDownLatch firstList = new CountDownLatch(1);
    private final AtomicLong relists = new AtomicLong();
    private final AtomicLong replacements = new AtomicLong();
    private final ByteSequence generationKey;

    private volatile BucketMap current = BucketMap.empty();
    private volatile boolean ready;
    private volatile boolean fresh;
    private volatile boolean closed;

    /** Watcher thread: identifies the live jetcd watch; callbacks of older ones are dropped. */
    private long generation;
    /** Watcher thread. */
    private Watch.Watcher watch;
    /** Watcher thread. */
    private Duration nextRetry = FIRST_RETRY;
    /** Watcher thread: the etcd history followed so far. */
    private final EtcdLineage lineage = new EtcdLineage();
    /** Watcher thread: how many times etcd was found replaced (the incarnation of published snapshots). */
    private long incarnation;
    /** Watcher thread: the snapshot revision at which the generation key last changed (or was last listed). */
    private long generationChangedAt;
    /** Watcher thread: a probe read is outstanding. */
    private boolean probing;

    private ClusterWatcher(Client client, EtcdKeys keys) {
        this.client = Objects.requireNonNull(client, "client");
        this.prefix = ByteSequence.from(keys.namespace(), StandardCharsets.UTF_8);
        this.delta = new BucketMapDelta(keys);
        this.generationKey = ByteSequence.from(keys.generation(), StandardCharsets.UTF_8);
        this.watcherThread = Executors.newSingleThreadScheduledExecutor(daemon("cluster-watcher"));
        this.listenerThread = Executors.newSingleThreadExecutor(daemon("cluster-watcher-listeners"));
    }

    /** Starts reading and watching {@code keys.namespace()}; returns at once (see {@link #awaitReady}). */
    public static ClusterWatcher start(Client client, EtcdKeys keys) {
        ClusterWatcher watcher = new ClusterWatcher(client, keys);
        watcher.onWatcherThread(watcher::relist);
        watcher.watcherThread.scheduleWithFixedDelay(watcher.safely(watcher::probe), PROBE_MILLIS, PROBE_MILLIS,
                TimeUnit.MILLISECONDS);
        return watcher;
    }

    /** The latest snapshot; {@link BucketMap#empty()} until the first read succeeded. */
    public BucketMap current() {
        return current;
    }

    /** True once the first read of the namespace succeeded (stays true while etcd is down). */
    public boolean isReady() {
        return ready;
    }

    /** True while the watch stream is established, i.e. {@link #current()} is being kept up to date. */
    public boolean isFresh() {
        return fresh;
    }

    /** Waits until {@link #isReady()}; false on timeout. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return firstList.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How many times the namespace was read in full (1 + re-reads after compaction or a replaced etcd). */
    public long relistCount() {
        return relists.get();
    }

    /** How many times this watcher found etcd replaced (wiped, rebuilt, restored from an older snapshot). */
    public long replacementCount() {
        return replacements.get();
    }

    /**
     * Registers a listener. If the watcher is ready it first receives the current snapshot, then
     * every later changed snapshot, on the listener thread, never an older one after a newer one.
     * A listener that throws is logged and keeps receiving.
     */
    public void addListener(Consumer<BucketMap> listener) {
        ListenerSlot slot = new ListenerSlot(Objects.requireNonNull(listener, "listener"));
        listeners.add(slot);
        onListenerThread(() -> {
            if (ready) {
                slot.deliver(current);
            }
        });
    }

    /**
     * Blocks until the snapshot's revision is at least {@code revision}, e.g. the revision a
     * write into the namespace returned, and returns that snapshot. Revisions are compared as numbers: right
     * after etcd was replaced, and before this watcher noticed, an old snapshot's higher revision satisfies a
     * wait for a new etcd's revision; a caller that must see its write first waits for its content (as the
     * monitor does for the generation it wrote, {@link #awaitGeneration}).
     *
     * @throws TimeoutException when the watcher is still behind after {@code timeout}
     */
    public BucketMap awaitRevision(long revision, Duration timeout) throws InterruptedException, TimeoutException {
        return await(map -> map.revision() >= revision, timeout, map -> "cluster watcher at revision "
                + map.revision() + ", not at " + revision + " after " + timeout + (fresh ? "" : " (etcd unreachable)"));
    }

    /**
     * Blocks until the snapshot shows cluster generation {@code generation} (or a higher one).
     *
     * @throws TimeoutException when it does not within {@code timeout}
     */
    public BucketMap awaitGeneration(long generation, Duration timeout) throws InterruptedException, TimeoutException {
        return await(map -> map.generation() >= generation, timeout, map -> "cluster watcher at generation "
                + map.generation() + ", not at " + generation + " after " + timeout);
    }

    /**
     * Waits on {@code revisionSignal} (notified at every new snapshot) until the snapshot is {@code reached}.
     *
     * @param behind the timeout's message, from the snapshot that was still behind
     */
    private BucketMap await(Predicate<BucketMap> reached, Duration timeout, Function<BucketMap, String> behind)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (revisionSignal) {
            while (!reached.test(current)) {
                long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remaining <= 0) {
                    throw new TimeoutException(behind.apply(current));
                }
                revisionSignal.wait(remaining);
            }
            return current;
        }
    }

    /** Watcher thread: reads the whole namespace, publishes it, and watches from there. */
    private void relist() {
        relist(null);
    }

    /**
     * Watcher thread.
     *
     * @param replaced why etcd is known to have been replaced, or null when this read is to check it
     */
    private void relist(String replaced) {
        if (closed) {
            return;
        }
        stopWatch();
        GetResponse response;
        long floor = lineage.highestRevision();
        try {
            response = client.getKVClient()
                    .get(prefix, GetOption.builder().isPrefix(true).build())
                    .get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            log.warn("reading the cluster namespace failed, retrying in {}: {}", nextRetry, e.toString());
            fresh = false;
            retryLater(() -> relist(replaced));
            return;
        }
        long revision = response.getHeader().getRevision();
        long clusterId = response.getHeader().getClusterId();
        String reason = replaced != null ? replaced : lineage.observe(clusterId, revision, floor);
        if (reason != null) {
            replacedBy(reason, clusterId, revision);
        }
        BucketMap.Builder map = new BucketMap.Builder();
        for (KeyValue kv : response.getKvs()) {
            delta.put(map, utf8(kv.getKey()), utf8(kv.getValue()), kv.getModRevision());
        }
        relists.incrementAndGet();
        generationChangedAt = revision;
        publish(map.revision(revision).incarnation(incarnation).build(), true);
        ready = true;
        firstList.countDown();
        log.info("cluster namespace read at revision {}: {}", revision, current);
        subscribe(revision + 1);
    }

    /** Watcher thread: etcd's history restarted; everything known about the old one is void. */
    private void replacedBy(String reason, long clusterId, long revision) {
        BucketMap old = current;
        incarnation++;
        replacements.incrementAndGet();
        lineage.restartFrom(clusterId, revision);
        log.error("ETCD WAS REPLACED: {}. The cluster view at revision {} (generation {}) is void; reading"
                        + " the namespace again at revision {} (etcd incarnation {} of this watcher)", reason,
                old.revision(), old.generation(), revision, incarnation);
    }

    /**
     * Watcher thread, every {@value #PROBE_MILLIS} ms once ready: reads the {@code generation} key. Its
     * header reveals a replaced etcd even while the watch waits silently for a revision the new etcd has not
     * reached; its value must match the snapshot when the snapshot already covers the read's revision.
     */
    private void probe() {
        if (closed || !ready || probing) {
            return;
        }
        probing = true;
        long inc = incarnation;
        long floor = lineage.highestRevision();
        client.getKVClient().get(generationKey)
                .orTimeout(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((response, error) -> onWatcherThread(() -> {
                    probing = false;
                    if (error == null) {
                        onProbe(inc, floor, response);
                    } else {
                        log.debug("generation probe failed: {}", error.toString());
                    }
                }));
    }

    /** Watcher thread. */
    private void onProbe(long inc, long floor, GetResponse response) {
        if (closed || inc != incarnation) {
            return;
        }
        long revision = response.getHeader().getRevision();
        long clusterId = response.getHeader().getClusterId();
        String reason = lineage.observe(clusterId, revision, floor);
        if (reason == null) {
            BucketMap snapshot = current;
            long generation = response.getKvs().isEmpty() ? 0 : parseGeneration(utf8(response.getKvs().get(0).getValue()));
            if (generation >= 0 && generation != snapshot.generation() && snapshot.revision() >= revision
                    && generationChangedAt <= revision) {
                reason = "etcd shows generation " + generation + " at revision " + revision
                        + " but the watch delivered generation " + snapshot.generation() + " up to revision "
                        + snapshot.revision() + " (the watch followed another history)";
            }
        }
        if (reason != null) {
            fresh = false;
            relist(reason);
        }
    }

    private static long parseGeneration(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1; // malformed: the delta skips it too, nothing to compare
        }
    }

    /** Watcher thread: starts a watch of the namespace from {@code fromRevision}. */
    private void subscribe(long fromRevision) {
        if (closed) {
            return;
        }
        stopWatch();
        long gen = generation;
        WatchOption option = WatchOption.builder()
                .isPrefix(true)
                .withRevision(fromRevision)
                .withCreateNotify(true)
                // a member cut off from its cluster must fail the watch, not keep it silently stale
                .withRequireLeader(true)
                .build();
        try {
            watch = client.getWatchClient().watch(prefix, option, Watch.listener(
                    response -> onWatcherThread(() -> onResponse(gen, response)),
                    error -> onWatcherThread(() -> onWatchError(gen, error)),
                    () -> onWatcherThread(() -> onWatchEnded(gen))));
        } catch (RuntimeException e) {
            log.warn("starting the cluster watch failed, retrying in {}: {}", nextRetry, e.toString());
            retryLater(() -> subscribe(current.revision() + 1));
        }
    }

    /** Test hook: replaces the watch by one from {@code revision}, as a reconnect after a long outage would. */
    void restartWatchFrom(long revision) {
        onWatcherThread(() -> subscribe(revision));
    }

    /** Watcher thread. */
    private void onResponse(long gen, WatchResponse response) {
        if (gen != generation || closed) {
            return;
        }
        String replaced = lineage.observe(response.getHeader().getClusterId(), response.getHeader().getRevision(), 0);
        if (replaced != null) {
            fresh = false;
            relist(replaced);
            return;
        }
        if (response.isCreatedNotify()) {
            fresh = true;
            nextRetry = FIRST_RETRY;
            return;
        }
        BucketMap before = current;
        BucketMap.Builder map = before.toBuilder();
        long revision = before.revision();
        boolean changed = false;
        for (WatchEvent event : response.getEvents()) {
            KeyValue kv = event.getKeyValue();
            if (kv.getModRevision() <= before.revision()) {
                continue; // already in the snapshot (a resumed watch may repeat a revision)
            }
            String key = utf8(kv.getKey());
            if (kv.getKey().equals(generationKey)) {
                generationChangedAt = kv.getModRevision();
            }
            changed |= switch (event.getEventType()) {
                case PUT -> delta.put(map, key, utf8(kv.getValue()), kv.getModRevision());
                case DELETE -> delta.delete(map, key);
                default -> false;
            };
            revision = Math.max(revision, kv.getModRevision());
        }
        if (revision > before.revision()) {
            BucketMap next = map.revision(revision).build();
            publish(next, changed);
            if (next.generation() != before.generation() && before.generation() != 0) {
                // a new generation means etcd's history was replaced or found older than the cluster's: if this
                // watch outlived that without noticing (the new history passed our revision within a probe period),
                // keys it never saw change may differ from our snapshot; read everything again
                log.warn("cluster generation changed from {} to {} at revision {}: reading the namespace again",
                        before.generation(), next.generation(), revision);
                relist();
            }
        }
    }

    /** Watcher thread. */
    private void onWatchError(long gen, Throwable error) {
        if (gen != generation || closed) {
            return;
        }
        fresh = false;
        stopWatch();
        if (isCompaction(error)) {
            log.info("cluster watch fell behind a compaction at revision {}; reading the namespace again",
                    current.revision());
            relist();
        } else {
            log.warn("cluster watch failed at revision {}, resuming in {}: {}", current.revision(), nextRetry,
                    error.toString());
            retryLater(() -> subscribe(current.revision() + 1));
        }
    }

    /** Watcher thread: the stream ended without an error (e.g. server shutdown); resume. */
    private void onWatchEnded(long gen) {
        if (gen != generation || closed) {
            return;
        }
        fresh = false;
        stopWatch();
        log.warn("cluster watch ended at revision {}, resuming in {}", current.revision(), nextRetry);
        retryLater(() -> subscribe(current.revision() + 1));
    }

    /** Watcher thread: closes the live watch; its late callbacks are ignored from now on. */
    private void stopWatch() {
        generation++;
        if (watch != null) {
            Watch.Watcher old = watch;
            watch = null;
            old.close();
        }
    }

    private void retryLater(Runnable task) {
        Duration delay = nextRetry;
        nextRetry = nextRetry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : nextRetry.multipliedBy(2);
        try {
            watcherThread.schedule(safely(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Watcher thread: swaps the snapshot in, wakes waiters, and queues listener calls. */
    private void publish(BucketMap snapshot, boolean notifyListeners) {
        synchronized (revisionSignal) {
            current = snapshot;
            revisionSignal.notifyAll();
        }
        if (notifyListeners) {
            onListenerThread(() -> listeners.forEach(slot -> slot.deliver(snapshot)));
        }
    }

    private static boolean isCompaction(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof CompactedException) {
                return true;
            }
        }
        return false;
    }

    private void onWatcherThread(Runnable task) {
        try {
            watcherThread.execute(safely(task));
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Watcher-thread tasks: a bug while applying must not leave a silently stale snapshot. */
    private Runnable safely(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // the snapshot may now miss a change: start over from a full read
                log.error("cluster watcher failed; reading the namespace again", e);
                fresh = false;
                retryLater(this::relist);
            }
        };
    }

    private void onListenerThread(Runnable task) {
        try {
            listenerThread.execute(task);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private static String utf8(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return Thread.ofPlatform().name(name).daemon(true).factory();
    }

    /** Stops watching and calling listeners. Does not close the client. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        fresh = false;
        try {
            watcherThread.submit(this::stopWatch).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("closing the cluster watch: {}", e.toString());
        }
        watcherThread.shutdownNow();
        listenerThread.shutdownNow();
    }

    @Override
    public String toString() {
        return "ClusterWatcher{" + prefix + ", " + current + (fresh ? "" : ", stale") + "}";
    }

    /** A listener and the newest revision it has seen; touched only on the listener thread. */
    private static final class ListenerSlot {
        private final Consumer<BucketMap> listener;
        private BucketMap last;

        ListenerSlot(Consumer<BucketMap> listener) {
            this.listener = listener;
        }

        void deliver(BucketMap snapshot) {
            if (snapshot == last || (last != null && last.isNewerThan(snapshot))) {
                return;
            }
            last = snapshot;
            try {
                listener.accept(snapshot);
            } catch (RuntimeException e) {
                log.error("cluster map listener failed at revision {}", snapshot.revision(), e);
            }
        }
    }
}
