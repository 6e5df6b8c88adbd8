package dtable.bench.write;

import dtable.bench.socket.RawWebSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Durable single-row inserts over the node's plain WebSocket ({@code /socket/dtables/<uuid>}, docs/api.md): each
 * socket sends one {@code update-dtable} {@code insert_row} and the next only after its {@code ack} (which comes once
 * the operation is committed), like one HTTP connection of {@code bench/write-throughput.sh}. The sockets are spread
 * over the bases round-robin; every socket of a base also receives the others' operations (the real fan-out).
 * Each socket is a {@link RawWebSocket} on a platform thread of its own, so that the client costs about what wrk
 * costs per HTTP write (the JDK's WebSocket client cost 3-7 times as much and took the cores from the node).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dtable.bench.write.SocketWriteThroughput
 * <ws://host:port> <internal token> <seconds> <sockets> <base uuid>...} (bases with the default table, as a
 * {@code PUT /api/v1/dtables/<uuid>/} creates them). Prints one {@code SOCKET ops_per_s=… p50_ms=… p99_ms=…} line;
 * exits 1 when any operation was refused or a socket closed early.
 */
public final class SocketWriteThroughput {

    private static final long[] NO_SAMPLES = new long[0];

    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong allAcks = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile boolean measuring;
    private volatile boolean stopping;

    /** One socket in a closed loop on its own platform thread: send, read until the ack, send again. */
    private final class Client {
        private final String prefix;
        private final String url;
        private final CountDownLatch joined;
        private final CountDownLatch go;
        private long[] latencies = new long[4096];
        private int count;
        private long sent;
        private RawWebSocket socket;

        Client(int index, String url, CountDownLatch joined, CountDownLatch go) {
            // 22 URL-safe characters per row id: 8 random per run, 4 for the socket, 10 for its counter
            String run = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 41), 36).substring(0, 8);
            this.prefix = run + String.format("%4s", Integer.toString(index, 36)).replace(' ', '0');
            this.url = url;
            this.joined = joined;
            this.go = go;
        }

        private String nextFrame() {
            String id = prefix + String.format("%10s", Long.toString(sent++, 36)).replace(' ', '0');
            return "{\"event\":\"update-dtable\",\"seq\":" + sent + ",\"data\":{\"op_type\":\"insert_row\","
                    + "\"table_id\":\"0000\",\"row_id\":\"\",\"row_insert_position\":\"insert_below\","
                    + "\"row_data\":{\"_id\":\"" + id + "\",\"0000\":\"bench-" + id + "\"},\"links_data\":{}}}";
        }

        void run() {
            try {
                socket = RawWebSocket.connect(URI.create(url));
                while (!socket.readText().contains("\"event\":\"joined\"")) {
                    // presence and other frames before the join answer
                }
                joined.countDown();
                go.await();
                while (!stopping) {
                    long sentAt = System.nanoTime();
                    socket.sendText(nextFrame());
                    if (!awaitAck()) {
                        return;
                    }
                    allAcks.incrementAndGet();
                    if (measuring) {
                        if (count == latencies.length) {
                            latencies = Arrays.copyOf(latencies, count * 2);
                        }
                        latencies[count++] = System.nanoTime() - sentAt;
                        acks.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                fail(e.toString());
            } finally {
                joined.countDown(); // a socket that failed before its join must not hold the start
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (java.io.IOException ignored) {
                        // closing anyway
                    }
                }
            }
        }

        /** Reads until this socket's ack (other sockets' operations of the base arrive in between). */
        private boolean awaitAck() throws java.io.IOException {
            while (true) {
                String text = socket.readText();
                if (text.contains("\"event\":\"ack\"")) {
                    return true;
                }
                if (text.contains("\"event\":\"error\"")) {
                    fail(text);
                    return false;
                }
            }
        }

        private void fail(String what) {
            if (!stopping) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, what);
            }
        }

        long[] samples() {
            return count == 0 ? NO_SAMPLES : Arrays.copyOf(latencies, count);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: SocketWriteThroughput <ws://host:port> <token> <seconds> <sockets> <base uuid>...");
            System.exit(2);
        }
        int exit = new SocketWriteThroughput().run(args[0], args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                List.of(args).subList(4, args.length));
        System.exit(exit);
    }

    int run(String origin, String token, int seconds, int sockets, List<String> bases) throws Exception {
        CountDownLatch joined = new CountDownLatch(sockets);
        CountDownLatch go = new CountDownLatch(1);
        List<Client> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < sockets; i++) {
            String url = origin + "/socket/dtables/" + bases.get(i % bases.size()) + "?token=" + token;
            Client client = new Client(i, url, joined, go);
            clients.add(client);
            threads.add(Thread.ofPlatform().name("socket-" + i).daemon(true).start(client::run));
        }
        if (!joined.await(60, TimeUnit.SECONDS)) {
            fail("not all sockets joined within 60 s");
        }
        go.countDown();
        Thread.sleep(Math.min(5_000, seconds * 250L)); // warm-up: a quarter of the run, at most 5 s
        measuring = true;
        long start = System.nanoTime();
        Thread.sleep(seconds * 1_000L);
        measuring = false;
        double elapsed = (System.nanoTime() - start) / 1e9;
        long measured = acks.get();
        stopping = true;
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        long[] all = clients.stream().map(Client::samples).flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("SOCKET ops_per_s=%.0f p50_ms=%.1f p99_ms=%.1f sockets=%d bases=%d seconds=%.1f errors=%d"
                + " all_acks=%d%n", measured / elapsed, percentile(all, 0.50), percentile(all, 0.99), sockets, bases.size(),
                elapsed, errors.get(), allAcks.get());
        if (firstError.get() != null) {
            System.out.println("first error: " + firstError.get());
        }
        return errors.get() == 0 ? 0 : 1;
    }

    private void fail(String what) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, what);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
    }
}
