package dtable.server.socket;

import dtable.server.base.RoomListener;
import dtable.server.storage.BaseStore;
import dtable.server.storage.LoggedOperation;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One connected client of one base, independent of framing: a bounded outbound queue drained by the
 * client's own sender thread, so a slow client never delays the others or the writer.
 *
 * <p>Ordering: operations reach the client in version order with no gaps. The sender remembers the
 * last version it delivered; an operation further ahead (the client joined mid-stream, or asked to
 * {@code sync}) is preceded by the missing ones read from {@code operation_log}. The author's own
 * operation is delivered as its {@code ack}, in the same order.
 *
 * <p>Thread rules: {@link #onOperation}/{@link #onBaseMoved} are called by the log writer and only
 * enqueue; {@code lastSent} is touched by the sender thread only.
 */
public final class SocketClient implements RoomListener {

    private static final Logger log = LoggerFactory.getLogger(SocketClient.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CATCH_UP_PAGE = 1000;

    private sealed interface Outbound {
    }

    private record Op(long version, ObjectNode operation, String author, Object origin, long seq) implements Outbound {
    }

    private record CatchUp(long fromVersion, long toVersion) implements Outbound {
    }

    private record Direct(String event, Long seq, Object data) implements Outbound {
    }

    private record Close(int code, String reason, String movedTo) implements Outbound {
    }

    private final String dtableUuid;
    private final Transport transport;
    private final BaseStore store;
    private final BlockingQueue<Outbound> queue;
    private final Thread sender;
    private volatile boolean closed;
    private long lastSent;

    public SocketClient(String dtableUuid, long joinedVersion, Transport transport, BaseStore store, int queueCapacity) {
        this.dtableUuid = dtableUuid;
        this.transport = transport;
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.lastSent = joinedVersion;
        this.sender = Thread.ofVirtual().name("socket-" + dtableUuid.substring(0, 8)).start(this::run);
    }

    @Override
    public void onOperation(long version, ObjectNode operation, String author, Object origin, long seq) {
        enqueue(new Op(version, operation, author, origin, seq));
    }

    @Override
    public void onBaseMoved(String ownerUrl) {
        closeWith(CloseCodes.MOVED, "base moved", ownerUrl);
    }

    /** Replays everything after {@code fromVersion} up to {@code toVersion}, then continues live. */
    public void sync(long fromVersion, long toVersion) {
        enqueue(new CatchUp(fromVersion, toVersion));
    }

    /** Sends an event outside the version stream (joined, error, pong). */
    public void send(String event, Long seq, Object data) {
        enqueue(new Direct(event, seq, data));
    }

    public void closeWith(int code, String reason, String movedTo) {
        if (!closed) {
            queue.clear();
            queue.offer(new Close(code, reason, movedTo));
        }
    }

    private void enqueue(Outbound item) {
        if (closed) {
            return;
        }
        if (!queue.offer(item)) {
            log.info("socket client of {} fell {} events behind: closing it (it can reconnect and sync)", dtableUuid,
                    queue.size());
            closeWith(CloseCodes.TOO_SLOW, "client too slow: reconnect and sync", null);
        }
    }

    private void run() {
        try {
            while (!closed) {
                Outbound item = queue.poll(30, TimeUnit.SECONDS);
                if (item == null) {
                    if (!transport.isOpen()) {
                        break;
                    }
                    continue;
                }
                deliver(item);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("socket client of {} stopped: {}", dtableUuid, e.toString());
        } finally {
            closed = true;
        }
    }

    private void deliver(Outbound item) throws Exception {
        switch (item) {
            case Op op -> {
                if (op.version() <= lastSent) {
                    return;
                }
                fill(lastSent, op.version() - 1);
                if (op.origin() == this) {
                    transport.send("ack", op.seq(), Map.of("version", op.version()));
                } else {
                    transport.send("update-dtable", null, updateData(op.version(), op.operation(), op.author()));
                }
                lastSent = op.version();
            }
            case CatchUp c -> {
                lastSent = c.fromVersion();
                fill(c.fromVersion(), c.toVersion());
            }
            case Direct d -> transport.send(d.event(), d.seq(), d.data());
            case Close c -> {
                closed = true;
                if (c.code() == CloseCodes.MOVED) {
                    ObjectNode data = JSON.createObjectNode();
                    data.put("node_url", c.movedTo());
                    try {
                        transport.send("base-moved", null, data);
                    } catch (Exception ignored) {
                        // closing anyway
                    }
                }
                transport.close(c.code(), c.reason());
            }
        }
    }

    /** Sends the logged operations in (after, upTo] that the client has not seen. */
    private void fill(long after, long upTo) throws Exception {
        long from = after;
        while (from < upTo) {
            List<LoggedOperation> page = store.readLog(dtableUuid, from, (int) Math.min(CATCH_UP_PAGE, upTo - from));
            if (page.isEmpty()) {
                return;
            }
            for (LoggedOperation op : page) {
                if (op.version() > upTo) {
                    return;
                }
                transport.send("update-dtable", null,
                        updateData(op.version(), (ObjectNode) JSON.readTree(op.operation()), op.author()));
                lastSent = op.version();
                from = op.version();
            }
        }
    }

    private static ObjectNode updateData(long version, ObjectNode operation, String author) {
        ObjectNode data = JSON.createObjectNode();
        data.put("version", version);
        data.set("operation", operation);
        data.put("author", author);
        return data;
    }

    public boolean isClosed() {
        return closed;
    }

    public String dtableUuid() {
        return dtableUuid;
    }
}
