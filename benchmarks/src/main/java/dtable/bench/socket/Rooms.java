package dtable.bench.socket;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Goals: fan-out of one operation to a big room, and many rooms under a steady load. One writer
 * socket per base sends {@code insert_row} operations, round-robin over the bases, {@code --rate} per
 * second in total (pipelined), or with {@code --rate 0} one at a time, each waiting until every reading
 * socket of its base has it. The first {@code --warmup} operations are not measured.
 *
 * <p>Measured per operation: writer's ack → the last reading socket's receipt (the fan-out), and per
 * delivery: ack → receipt and send → receipt. {@code --stopped} sockets (spread over the bases) stop
 * reading once joined; the run reports which of them the node closed, and when. At the end every
 * reading socket must hold every version of its base, in order (else the run fails).
 */
final class Rooms {

    /** What happened to one operation. Times are {@link System#nanoTime()}; 0 = not yet. */
    private static final class Op {
        volatile long sent;
        volatile long acked;
        final Latencies receipts = new Latencies();
        volatile long lastReceipt;
        final AtomicInteger received = new AtomicInteger();
    }

    private final Options options;
    private final Map<Long, Op> ops = new ConcurrentHashMap<>();
    private final Map<Integer, String> endings = new ConcurrentHashMap<>();
    private volatile long startedNanos;
    private final java.util.Set<LoadSocket> stoppedOnes = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Rooms(Options options) {
        this.options = options;
    }

    private static long key(int base, long version) {
        return ((long) base << 40) | version;
    }

    private Op op(int base, long version) {
        return ops.computeIfAbsent(key(base, version), k -> new Op());
    }

    boolean run() throws Exception {
        NodeClient node = new NodeClient(options.text("url"), Path.of(options.text("key-file")));
        SocketLoad.Fleet fleet = new SocketLoad.Fleet(options, node);
        int bases = fleet.bases.size();
        LoadSocket.Events events = new LoadSocket.Events() {
            @Override
            public void delivered(LoadSocket socket, long version, long nanos) {
                if (stoppedOnes.contains(socket)) {
                    // what a stopped reader gets after it resumes at the end says nothing of the others' latency
                    return;
                }
                Op op = op(socket.baseIndex, version);
                op.receipts.add(nanos);
                synchronized (op) {
                    op.lastReceipt = Math.max(op.lastReceipt, nanos);
                }
                op.received.incrementAndGet();
            }

            @Override
            public void acked(LoadSocket socket, long ref, long version, long nanos) {
                Op op = op(socket.baseIndex, version);
                op.sent = socket.sentAt(ref);
                op.acked = nanos;
            }

            @Override
            public void ended(LoadSocket socket, int code, String reason) {
                endings.put(System.identityHashCode(socket), String.format("%s %d %s (seen after %.1f s)",
                        stoppedOnes.contains(socket) ? "stopped reader" : "READING SOCKET", code, reason,
                        (System.nanoTime() - startedNanos) / 1e9));
            }
        };
        List<LoadSocket> writers = new ArrayList<>();
        List<LoadSocket> receivers = new ArrayList<>();
        for (int b = 0; b < bases; b++) {
            writers.add(fleet.socket(b, events));
        }
        for (int i = 0; i < options.number("sockets"); i++) {
            LoadSocket socket = fleet.socket(i % bases, events);
            if (i < options.number("stopped")) {
                socket.stopReading();
                stoppedOnes.add(socket);
            }
            receivers.add(socket);
        }
        fleet.connectAll(writers, "writers");
        if (fleet.connectAll(receivers, "receivers") < receivers.size()) {
            fleet.closeAll();
            return false;
        }
        int[] reading = new int[bases];
        for (LoadSocket r : receivers) {
            if (!r.stopped()) {
                reading[r.baseIndex]++;
            }
        }
        startedNanos = System.nanoTime();
        long[] firstMeasured = new long[bases];
        send(writers, reading, firstMeasured);
        boolean complete = settle(fleet, receivers);
        // a stopped reader learns whether the node dropped it only by reading again: the close (or the
        // reset) sits behind everything that was buffered for it
        receivers.stream().filter(LoadSocket::stopped).forEach(LoadSocket::resumeReading);
        TimeUnit.SECONDS.sleep(options.number("stopped") > 0 ? 10 : 0);
        report(receivers, firstMeasured, reading);
        fleet.closeAll();
        return complete;
    }

    private void send(List<LoadSocket> writers, int[] reading, long[] firstMeasured) throws InterruptedException {
        int total = options.number("warmup") + options.number("ops");
        int rate = options.number("rate");
        String padding = "x".repeat(options.number("op-bytes"));
        long interval = rate == 0 ? 0 : 1_000_000_000L / rate;
        long next = System.nanoTime();
        int warmup = options.number("warmup");
        for (int b = 0; b < writers.size(); b++) {
            // a new base is at version 0 and only its writer writes: its n-th operation is version n
            firstMeasured[b] = warmup / writers.size() + (b < warmup % writers.size() ? 1 : 0) + 1;
        }
        for (int i = 0; i < total; i++) {
            LoadSocket writer = writers.get(i % writers.size());
            writer.send("{\"op_type\":\"insert_row\",\"table_id\":\"0000\",\"row_data\":{\"0000\":\"op " + i + " " + padding + "\"}}");
            if (rate == 0) {
                awaitDelivered(writer, reading[writer.baseIndex]);
            } else {
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        }
        SocketLoad.report("sent %d operations (%d warm-up) in %.1f s", total, options.number("warmup"),
                (System.nanoTime() - startedNanos) / 1e9);
    }

    /** One at a time: waits (up to 10 s) until the writer's operation reached every reading socket of its base. */
    private void awaitDelivered(LoadSocket writer, int readers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long v = writer.version() + 1;
        while (System.nanoTime() < deadline) {
            Op op = ops.get(key(writer.baseIndex, v));
            if (writer.version() >= v && op != null && op.received.get() >= readers) {
                return;
            }
            Thread.onSpinWait();
            TimeUnit.MICROSECONDS.sleep(100);
        }
        System.err.println("operation " + v + " of base " + writer.baseIndex + " not delivered to all within 10 s");
    }

    /** Waits until every reading socket holds its base's version; returns whether all got there in {@code --settle} s. */
    private boolean settle(SocketLoad.Fleet fleet, List<LoadSocket> receivers) throws Exception {
        int behind = fleet.awaitCaughtUp(receivers.stream().filter(r -> !r.stopped()).toList(), fleet.finalVersions());
        if (behind > 0) {
            SocketLoad.report("CHECK FAILED: %d reading sockets are missing operations after %d s", behind,
                    options.number("settle"));
        }
        return behind == 0;
    }

    private void report(List<LoadSocket> receivers, long[] firstMeasured, int[] reading) {
        Latencies fanOut = new Latencies();
        Latencies ackToReceipt = new Latencies();
        Latencies sendToReceipt = new Latencies();
        Latencies sendToAck = new Latencies();
        int incomplete = 0;
        for (Map.Entry<Long, Op> e : ops.entrySet()) {
            int base = (int) (e.getKey() >>> 40);
            long version = e.getKey() & ((1L << 40) - 1);
            Op op = e.getValue();
            if (version < firstMeasured[base] || op.acked == 0) {
                continue;
            }
            if (op.received.get() < reading[base]) {
                incomplete++;
                continue;
            }
            fanOut.add(Math.max(0, op.lastReceipt - op.acked));
            sendToAck.add(op.acked - op.sent);
            for (int i = 0; i < op.receipts.size(); i++) {
                long at = op.receipts.at(i);
                ackToReceipt.add(Math.max(0, at - op.acked));
                sendToReceipt.add(at - op.sent);
            }
        }
        String shape = String.format("%d bases x %d reading sockets, rate %s, %s", reading.length,
                receivers.size() / reading.length, options.number("rate") == 0 ? "one at a time" : options.number("rate") + "/s",
                options.text("transport"));
        SocketLoad.report("%s", fanOut.line("ack -> last delivery per operation [" + shape + "]"));
        SocketLoad.report("%s", ackToReceipt.line("ack -> each delivery"));
        SocketLoad.report("%s", sendToReceipt.line("send -> each delivery"));
        SocketLoad.report("%s", sendToAck.line("send -> ack (durable)"));
        if (incomplete > 0) {
            SocketLoad.report("measured operations not delivered to every reading socket: %d", incomplete);
        }
        long stopped = stoppedOnes.size();
        SocketLoad.report("stopped readers: %d, closed by the node: %d", stopped,
                endings.values().stream().filter(s -> s.startsWith("stopped")).count());
        endings.values().stream().sorted().limit(20).forEach(s -> SocketLoad.report("ended: %s", s));
        long dups = receivers.stream().mapToLong(LoadSocket::duplicates).sum();
        SocketLoad.report("duplicate deliveries: %d", dups);
    }
}
