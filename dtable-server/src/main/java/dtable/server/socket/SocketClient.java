package dtable.server.socket;

import dtable.model.stored.ContiguousReplay;
import dtable.model.stored.LoggedOperation;
import dtable.server.base.RoomListener;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One connected client of one base, independent of framing: a bounded outbound queue drained on
 * demand, so a slow client never delays the others or the log writer.
 *
 * <p>Lifecycle: construct, join the base's room, read the base's durable version, then
 * {@link #start(long)} with it. The sender sends {@code joined} first and then every queued event;
 * operations at or below the joined version (durable before the client joined) are skipped. Joining
 * before reading the version is what guarantees that no operation falls between the two.
 *
 * <p>The sender: an idle client has no thread. Queuing an event starts a drain (a virtual thread)
 * unless one is running; a drain sends until the queue is empty and ends. At most one drain of a
 * client runs at a time, and each starts after the previous one ended (a compare-and-set of
 * {@code draining}), so the transport sees one call at a time, in queue order. A parked sender
 * thread per client cost 1-2 KiB of heap (its stack) per idle socket.
 *
 * <p>A transport with an event {@link Transport#loop() loop} (sends that never block) is drained on that loop
 * instead, which saves starting a thread per drain. Such a drain never waits: before an event that needs the
 * log (a catch-up, or an operation after a gap) it hands the rest of the drain to a virtual thread, and when
 * the client is {@link Transport#backedUp() backed up} it stops until {@link #wake()}, leaving the rest queued.
 *
 * <p>Ordering: operations reach the client in strictly increasing version order with no gaps. The
 * sender remembers the last version it delivered; an operation further ahead (after a {@code sync})
 * is preceded by the missing ones read from {@code operation_log}. The author's own operation is
 * answered with an {@code ack} in that same position. {@code sync(n)} rewinds the stream: everything
 * after {@code n} is sent again, in order, and the live stream continues after it without duplicates.
 *
 * <p>Back-pressure: when {@code queueCapacity} events wait (the drain is stuck writing to a client that
 * stopped reading) the client is closed with {@link CloseCodes#TOO_SLOW} (it reconnects and
 * {@code sync}s). Once closing, nothing more is queued.
 *
 * <p>Thread rules: {@link #onOperation}/{@link #onBaseMoved} are called by the log writer and only
 * enqueue; {@link #sync}, {@link #refuse}, {@link #presence}, {@link #end} and the others may be called from any thread;
 * {@code lastSent} and the transport are used by the running drain only (after {@link #start}).
 */
public final class SocketClient implements RoomListener {

    /** Reads {@code operation_log} after a version (the catch-up source); {@code BaseStore::readLog} in a node. */
    @FunctionalInterface
    public interface LogReader {
        List<LoggedOperation> readLog(String dtableUuid, long afterVersion, int limit);
    }

    private static final Logger log = LoggerFactory.getLogger(SocketClient.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CATCH_UP_PAGE = 1000;
    /** Starts drains: a virtual thread each, alive only while the client has something to send. */
    private static final ThreadFactory SENDERS = Thread.ofVirtual().name("socket-sender").factory();
    /** Ends clients whose token expired: one timer for every client of the node. */
    private static final ScheduledThreadPoolExecutor EXPIRY = expiryTimer();

    private static final AtomicIntegerFieldUpdater<SocketClient> QUEUED =
            AtomicIntegerFieldUpdater.newUpdater(SocketClient.class, "queued");
    private static final AtomicIntegerFieldUpdater<SocketClient> DRAINING =
            AtomicIntegerFieldUpdater.newUpdater(SocketClient.class, "draining");
    private static final AtomicReferenceFieldUpdater<SocketClient, Ending> PENDING_CLOSE =
            AtomicReferenceFieldUpdater.newUpdater(SocketClient.class, Ending.class, "pendingClose");

    private sealed interface Outbound {
    }

    private record Op(SharedUpdate update, Object origin, long seq) implements Outbound {
        long version() {
            return update.version;
        }
    }

    private record CatchUp(long fromVersion, long toVersion) implements Outbound {
    }

    private record Refuse(Long ref, String errorType, String message) implements Outbound {
    }

    /** An ack outside the version stream: a resent operation that was already durable at {@code version}. */
    private record AckNow(long ref, long version) implements Outbound {
    }

    private record Presence(String event, String username) implements Outbound {
    }

    private record Event(String event, Object data) implements Outbound {
    }

    /** Wakes the sender so it sees {@link #pendingClose}. */
    private record Wake() implements Outbound {
    }

    private final String dtableUuid;
    private final Transport transport;
    private final LogReader store;
    private final int queueCapacity;
    /** Unbounded itself; {@link #queued} bounds it (an idle client holds one empty node, no locks). */
    private final Queue<Outbound> queue = new ConcurrentLinkedQueue<>();
    /** Events in {@link #queue}, for the bound. */
    private volatile int queued;
    /** 1 while a drain runs or is starting. */
    private volatile int draining;
    /** Set by {@link #start}: before it, events are only queued. */
    private volatile boolean started;
    /** The ending to deliver; set once, by whoever ends first. */
    private volatile Ending pendingClose;
    /** The sender has stopped; nothing more is delivered. */
    private volatile boolean closed;
    /** Drains only. */
    private long lastSent;
    /** Drains only: the event a drain polled and left to the next drain (it stopped, or moved off the loop). */
    private Outbound carried;
    /** {@code joined} is still to be sent (first thing of the first drain). */
    private boolean joinPending;
    /** When the client's token expires (epoch millis); the session ends then. Set before {@link #start}. */
    private long expiresAtMillis = Long.MAX_VALUE;
    private ScheduledFuture<?> expiry;

    public SocketClient(String dtableUuid, Transport transport, LogReader store, int queueCapacity) {
        this.dtableUuid = dtableUuid;
        this.transport = transport;
        this.store = store;
        this.queueCapacity = queueCapacity;
    }

    private static ScheduledThreadPoolExecutor expiryTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("socket-token-expiry").daemon().factory());
        // a left client's timer goes at once, not at its token's expiry (days later)
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** Ends the session with {@link Ending.Reason#TOKEN_EXPIRED} at {@code expiresAt}. Call before {@link #start}. */
    public void expireAt(java.time.Instant expiresAt) {
        this.expiresAtMillis = expiresAt.toEpochMilli();
    }

    /**
     * Starts delivery: {@code joined} with {@code joinedVersion} first, then the queued events. Call
     * once, after the client joined the room and {@code joinedVersion} was read.
     */
    public void start(long joinedVersion) {
        lastSent = joinedVersion; // written before the volatile started, so the first drain sees it
        joinPending = true;
        if (expiresAtMillis != Long.MAX_VALUE) {
            long delay = Math.max(0, expiresAtMillis - System.currentTimeMillis());
            expiry = EXPIRY.schedule(() -> end(Ending.of(Ending.Reason.TOKEN_EXPIRED,
                    "token expired: reconnect with a new one")), delay, TimeUnit.MILLISECONDS);
        }
        started = true;
        schedule();
    }

    @Override
    public void onOperation(long version, ObjectNode operation, String author, Object origin, long seq) {
        enqueue(new Op(SharedUpdate.of(version, operation, author), origin, seq));
    }

    @Override
    public void onBaseMoved(String ownerUrl) {
        end(new Ending(Ending.Reason.MOVED, "base moved", ownerUrl));
    }

    @Override
    public void onBaseDeleted() {
        end(Ending.of(Ending.Reason.DELETED, "base deleted"));
    }

    /** Sends everything after {@code fromVersion} up to at least {@code toVersion}, then continues live. */
    public void sync(long fromVersion, long toVersion) {
        enqueue(new CatchUp(fromVersion, toVersion));
    }

    /** Refuses the client's request {@code ref} (null: no request of its own). */
    public void refuse(Long ref, String errorType, String message) {
        enqueue(new Refuse(ref, errorType, message));
    }

    /** Answers request {@code ref} as durable at {@code version}, outside the stream (a resend already applied). */
    public void ackNow(long ref, long version) {
        enqueue(new AckNow(ref, version));
    }

    /** Tells the client that {@code username} joined or left the room. */
    public void presence(String event, String username) {
        enqueue(new Presence(event, username));
    }

    /** Sends an event of the framing only (pong). */
    public void event(String event, Object data) {
        enqueue(new Event(event, data));
    }

    /**
     * Ends the session after what the sender is writing now; queued events are dropped. The first
     * ending asked for wins.
     */
    public void end(Ending ending) {
        if (PENDING_CLOSE.compareAndSet(this, null, ending)) {
            clearQueue();
            offer(new Wake());
            schedule();
        }
    }

    /** Whether the client is closing or closed (too slow, moved, or disconnected): it takes no more events. */
    public boolean isClosing() {
        return pendingClose != null || closed;
    }

    public boolean isClosed() {
        return closed;
    }

    public String dtableUuid() {
        return dtableUuid;
    }

    private void enqueue(Outbound item) {
        if (isClosing()) {
            return;
        }
        if (QUEUED.incrementAndGet(this) > queueCapacity) {
            int behind = QUEUED.decrementAndGet(this);
            log.info("socket client of {} fell {} events behind: closing it (it can reconnect and sync)", dtableUuid,
                    behind);
            end(Ending.of(Ending.Reason.TOO_SLOW, "client too slow: reconnect and sync"));
            return;
        }
        queue.offer(item);
        schedule();
    }

    private void offer(Outbound item) {
        QUEUED.incrementAndGet(this);
        queue.offer(item);
    }

    private Outbound poll() {
        Outbound item = queue.poll();
        if (item != null) {
            QUEUED.decrementAndGet(this);
        }
        return item;
    }

    private void clearQueue() {
        while (poll() != null) {
            // dropped
        }
    }

    /** The transport can take events again ({@link Transport#backedUp()} ended): sends what waited. Any thread. */
    public void wake() {
        schedule();
    }

    /** Starts a drain unless one runs (it then sees the new event) or the client has not started. */
    private void schedule() {
        if (started && !closed && DRAINING.compareAndSet(this, 0, 1)) {
            Executor loop = transport.loop();
            if (loop == null) {
                SENDERS.newThread(this::drain).start();
            } else {
                loop.execute(() -> drain(true));
            }
        }
    }

    private void drain() {
        drain(false);
    }

    /**
     * Sends until the queue is empty; one drain at a time per client. A drain {@code onLoop} never waits: it
     * passes what needs the log to a virtual thread, and stops while the client is backed up.
     */
    private void drain(boolean onLoop) {
        boolean failed = false;
        try {
            do {
                if (joinPending) {
                    joinPending = false;
                    transport.joined(dtableUuid, lastSent);
                }
                Outbound item;
                while (!closed && (item = next()) != null) {
                    Ending close = pendingClose;
                    if (close != null) {
                        deliverClose(close);
                        return;
                    }
                    if (onLoop && needsLog(item)) {
                        carried = item; // draining stays 1: this drain goes on on a thread that may wait
                        SENDERS.newThread(this::drain).start();
                        return;
                    }
                    if (onLoop && transport.backedUp()) {
                        carried = item;
                        draining = 0;
                        if (!transport.backedUp() || pendingClose != null) {
                            schedule(); // it caught up (or must close) between the look and draining = 0
                        }
                        return;
                    }
                    deliver(item);
                }
                Ending close = pendingClose;
                if (close != null && !closed) {
                    deliverClose(close);
                    return;
                }
                draining = 0;
                // an event queued after the last poll but before draining was 0 started no drain: take it here
            } while (!closed && !queue.isEmpty() && !(onLoop && transport.backedUp())
                    && DRAINING.compareAndSet(this, 0, 1));
        } catch (Exception e) {
            // the connection broke, or the container gave up writing to a client that stopped reading
            failed = true;
            if (transport.isOpen() || timedOut(e)) {
                // the node drops the client (the slow-consumer rule; after a blocking send's timeout the container
                // has already closed the session): worth a line for an operator
                log.info("socket client of {} dropped: a send failed ({}); it can reconnect and sync", dtableUuid,
                        e.toString());
            } else {
                log.debug("socket client of {} stopped: {}", dtableUuid, e.toString());
            }
        }
        if (failed) {
            closed = true;
            clearQueue();
            cancelExpiry();
            if (transport.isOpen()) {
                transport.end(Ending.of(Ending.Reason.SEND_FAILED, "send failed"));
            }
        }
    }

    /** Whether a send failed because the client did not read for the container's blocking send timeout. */
    static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException || t instanceof java.util.concurrent.TimeoutException
                    || (t.getMessage() != null && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("timeout"))) {
                return true;
            }
        }
        return false;
    }

    /** The event a previous drain left, else the queue's next. Drains only. */
    private Outbound next() {
        Outbound item = carried;
        if (item != null) {
            carried = null;
            return item;
        }
        return poll();
    }

    /** Whether sending {@code item} reads {@code operation_log} (a catch-up, or an operation after a gap). Drains only. */
    private boolean needsLog(Outbound item) {
        return item instanceof CatchUp || item instanceof Op op && op.version() > lastSent + 1;
    }

    private void cancelExpiry() {
        ScheduledFuture<?> timer = expiry;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void deliver(Outbound item) throws Exception {
        switch (item) {
            case Op op -> deliverOp(op);
            case CatchUp c -> {
                // a rewind: never end below what was already sent, so the live stream goes on without duplicates
                long upTo = Math.max(c.toVersion(), lastSent);
                lastSent = c.fromVersion();
                fill(upTo);
            }
            case Refuse r -> transport.refuse(r.ref(), r.errorType(), r.message());
            case AckNow a -> transport.ack(a.ref(), a.version());
            case Presence p -> transport.presence(p.event(), p.username());
            case Event e -> transport.event(e.event(), e.data());
            case Wake w -> {
                // only wakes the loop
            }
        }
    }

    private void deliverOp(Op op) throws Exception {
        boolean own = op.origin() == this;
        if (op.version() <= lastSent) {
            if (own) {
                // already replayed by a sync; the author still gets its answer
                transport.ack(op.seq(), op.version());
            }
            return;
        }
        if (!fill(op.version() - 1)) {
            return;
        }
        if (own) {
            transport.ack(op.seq(), op.version());
        } else {
            transport.update(op.version(), op.update().json(), op.update().author);
        }
        lastSent = op.version();
    }

    /**
     * Sends the logged operations in ({@code lastSent}, {@code upTo}]. Returns false (and closes the
     * client) when the log no longer holds them: retention deleted them, so the client must reload the base.
     */
    private boolean fill(long upTo) throws Exception {
        ContiguousReplay.Outcome outcome = ContiguousReplay.paged(lastSent, upTo, CATCH_UP_PAGE,
                (after, limit) -> store.readLog(dtableUuid, after, limit), op -> {
                    transport.update(op.version(), op.operation(), op.author());
                    lastSent = op.version();
                });
        if (outcome.version() < upTo) {
            logTruncated();
            return false;
        }
        return true;
    }

    private void logTruncated() {
        end(Ending.of(Ending.Reason.RELOAD, "operations after version " + lastSent
                + " are no longer in the log: reload the base and reconnect"));
    }

    private void deliverClose(Ending ending) {
        closed = true;
        clearQueue();
        cancelExpiry();
        transport.end(ending);
    }

    /**
     * One operation as JSON text, serialised at most once however many clients of
     * the room send it. The log writer hands every listener the same operation object in a row, so a
     * per-thread memo of the last one is enough to share it.
     */
    private static final class SharedUpdate {
        private static final ThreadLocal<SharedUpdate> LAST = new ThreadLocal<>();

        final long version;
        private final ObjectNode operation;
        final String author;
        private volatile String json;

        private SharedUpdate(long version, ObjectNode operation, String author) {
            this.version = version;
            this.operation = operation;
            this.author = author;
        }

        static SharedUpdate of(long version, ObjectNode operation, String author) {
            SharedUpdate last = LAST.get();
            if (last != null && last.operation == operation && last.version == version) {
                return last;
            }
            SharedUpdate fresh = new SharedUpdate(version, operation, author);
            LAST.set(fresh);
            return fresh;
        }

        /** Serialised by the first sender that needs it (not on the log writer's thread). */
        String json() {
            String text = json;
            if (text == null) {
                synchronized (this) {
                    text = json;
                    if (text == null) {
                        text = JSON.writeValueAsString(operation);
                        json = text;
                    }
                }
            }
            return text;
        }
    }
}
