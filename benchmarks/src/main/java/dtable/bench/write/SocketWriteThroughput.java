package dtable.bench.write;

import dtable.bench.socket.TextMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Durable single-row inserts over the node's plain WebSocket ({@code /socket/dtables/<uuid>}, docs/api.md): each
 * socket sends one {@code update-dtable} {@code insert_row} and the next only after its {@code ack} (which comes once
 * the operation is committed), like one HTTP connection of {@code bench/write-throughput.sh}. The sockets are spread
 * over the bases round-robin; every socket of a base also receives the others' operations (the real fan-out).
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

    /** One socket in a closed loop: send, wait for the ack, send again. Frames arrive one at a time (request(1)). */
    private final class Client implements WebSocket.Listener {
        private final String prefix;
        private final TextMessage message = new TextMessage();
        private final CompletableFuture<Void> joined = new CompletableFuture<>();
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private long[] latencies = new long[4096];
        private int count;
        private long sent;
        private long sentAt;
        private WebSocket socket;

        Client(int index) {
            // 22 URL-safe characters per row id: 8 random per run, 4 for the socket, 10 for its counter
            String run = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 41), 36).substring(0, 8);
            this.prefix = run + String.format("%4s", Integer.toString(index, 36)).replace(' ', '0');
        }

        void sendNext() {
            String id = prefix + String.format("%10s", Long.toString(sent++, 36)).replace(' ', '0');
            String frame = "{\"event\":\"update-dtable\",\"seq\":" + sent + ",\"data\":{\"op_type\":\"insert_row\","
                    + "\"table_id\":\"0000\",\"row_id\":\"\",\"row_insert_position\":\"insert_below\","
                    + "\"row_data\":{\"_id\":\"" + id + "\",\"0000\":\"bench-" + id + "\"},\"links_data\":{}}}";
            sentAt = System.nanoTime();
            socket.sendText(frame, true);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            String text = message.append(data, last);
            if (text != null) {
                onFrame(text);
            }
            webSocket.request(1);
            return null;
        }

        private void onFrame(String text) {
            if (text.contains("\"event\":\"joined\"")) {
                joined.complete(null);
            } else if (text.contains("\"event\":\"ack\"")) {
                allAcks.incrementAndGet();
                if (measuring) {
                    if (count == latencies.length) {
                        latencies = Arrays.copyOf(latencies, count * 2);
                    }
                    latencies[count++] = System.nanoTime() - sentAt;
                    acks.incrementAndGet();
                }
                if (stopping) {
                    done.complete(null);
                } else {
                    sendNext();
                }
            } else if (text.contains("\"event\":\"error\"")) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, text);
                done.complete(null);
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (!stopping) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, "closed " + statusCode + " " + reason);
            }
            joined.complete(null);
            done.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, error.toString());
            joined.complete(null);
            done.complete(null);
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
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < sockets; i++) {
            Client client = new Client(i);
            String url = origin + "/socket/dtables/" + bases.get(i % bases.size()) + "?token=" + token;
            http.newWebSocketBuilder().buildAsync(URI.create(url), client).join();
            clients.add(client);
        }
        for (Client client : clients) {
            client.joined.join();
        }
        clients.forEach(Client::sendNext);
        Thread.sleep(Math.min(5_000, seconds * 250L)); // warm-up: a quarter of the run, at most 5 s
        measuring = true;
        long start = System.nanoTime();
        Thread.sleep(seconds * 1_000L);
        measuring = false;
        double elapsed = (System.nanoTime() - start) / 1e9;
        long measured = acks.get();
        stopping = true;
        for (Client client : clients) {
            client.done.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
            client.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
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

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
    }
}
