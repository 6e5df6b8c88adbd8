package dtable.bench.write;

import java.io.IOException;
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
 * The sockets are driven by two selector threads ({@link SelectorSockets}), as wrk drives its connections, so
 * that the client costs about what wrk costs per HTTP write (the JDK's WebSocket client cost 3-7 times as much,
 * a blocking client with a thread per socket 1.3-2 times, and both took the cores from the node).
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
    private volatile boolean go;

    /** One socket in a closed loop: send, wait for the ack (other frames of its base arrive meanwhile), send again. */
    private static final class Client {
        private final String prefix;
        private long[] latencies = new long[4096];
        private int count;
        private long sent;
        private long sentAt;
        /** Selector thread only. */
        private boolean joined;
        private boolean started;

        Client(int index) {
            // 22 URL-safe characters per row id: 8 random per run, 4 for the socket, 10 for its counter
            String run = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 41), 36).substring(0, 8);
            this.prefix = run + String.format("%4s", Integer.toString(index, 36)).replace(' ', '0');
        }

        void sendNext(SelectorSockets.Connection connection) throws IOException {
            String id = prefix + String.format("%10s", Long.toString(sent++, 36)).replace(' ', '0');
            sentAt = System.nanoTime();
            connection.send("{\"event\":\"update-dtable\",\"seq\":" + sent + ",\"data\":{\"op_type\":\"insert_row\","
                    + "\"table_id\":\"0000\",\"row_id\":\"\",\"row_insert_position\":\"insert_below\","
                    + "\"row_data\":{\"_id\":\"" + id + "\",\"0000\":\"bench-" + id + "\"},\"links_data\":{}}}");
        }

        long[] samples() {
            return count == 0 ? NO_SAMPLES : Arrays.copyOf(latencies, count);
        }
    }

    /** The closed loops of one selector thread. */
    private final class Loops implements SelectorSockets.Handler {
        private final CountDownLatch joined;

        Loops(CountDownLatch joined) {
            this.joined = joined;
        }

        @Override
        public void opened(SelectorSockets.Connection connection) {
        }

        @Override
        public void message(SelectorSockets.Connection connection, String text) throws IOException {
            Client client = (Client) connection.owner;
            if (!client.joined) {
                if (text.contains("\"event\":\"joined\"")) {
                    client.joined = true;
                    joined.countDown();
                }
            } else if (text.contains("\"event\":\"ack\"")) {
                allAcks.incrementAndGet();
                if (measuring) {
                    if (client.count == client.latencies.length) {
                        client.latencies = Arrays.copyOf(client.latencies, client.count * 2);
                    }
                    client.latencies[client.count++] = System.nanoTime() - client.sentAt;
                    acks.incrementAndGet();
                }
                if (!stopping) {
                    client.sendNext(connection);
                }
            } else if (text.contains("\"event\":\"error\"")) {
                fail(text);
            }
        }

        @Override
        public void ended(SelectorSockets.Connection connection, String why) {
            Client client = (Client) connection.owner;
            if (!client.joined) {
                joined.countDown(); // a socket that failed before its join must not hold the start
            }
            if (!stopping) {
                fail(why);
            }
        }

        @Override
        public void turn(List<SelectorSockets.Connection> connections) throws IOException {
            if (!go) {
                return;
            }
            for (SelectorSockets.Connection connection : connections) {
                Client client = (Client) connection.owner;
                if (client.joined && !client.started && !connection.ended()) {
                    client.started = true;
                    client.sendNext(connection);
                }
            }
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
        // two selector threads, as wrk -t2 for the HTTP phase
        List<SelectorSockets> loops = List.of(new SelectorSockets(new Loops(joined)), new SelectorSockets(new Loops(joined)));
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < sockets; i++) {
            Client client = new Client(i);
            clients.add(client);
            loops.get(i % loops.size()).open(URI.create(origin + "/socket/dtables/" + bases.get(i % bases.size())
                    + "?token=" + token), client);
        }
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            threads.add(Thread.ofPlatform().name("sockets-" + i).daemon(true).start(loops.get(i)));
        }
        if (!joined.await(60, TimeUnit.SECONDS)) {
            fail("not all sockets joined within 60 s");
        }
        go = true;
        loops.forEach(SelectorSockets::wakeup);
        Thread.sleep(Math.min(5_000, seconds * 250L)); // warm-up: a quarter of the run, at most 5 s
        measuring = true;
        long start = System.nanoTime();
        Thread.sleep(seconds * 1_000L);
        measuring = false;
        double elapsed = (System.nanoTime() - start) / 1e9;
        long measured = acks.get();
        stopping = true;
        Thread.sleep(2_000); // the operations in flight are answered
        loops.forEach(SelectorSockets::stop);
        for (Thread thread : threads) {
            thread.join(10_000);
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
