package dtable.bench.socket;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Socket load generator: many sockets of many bases against one node (or through the proxy), on the
 * node's own WebSocket or on socket.io. Scenarios ({@code docs/benchmarks.md}, "Socket load generator"):
 * <ul>
 *   <li>{@code hold}: REST latency alone, then {@code --sockets} idle sockets held while the REST latency
 *       is measured again; {@code --probe-command} runs before and while they are held (heap, RSS);</li>
 *   <li>{@code rooms}: one writer socket per base sends operations ({@code --rate} per second in total, or
 *       one at a time with 0); every other socket must receive each of them in order; optionally
 *       {@code --stopped} sockets stop reading;</li>
 *   <li>{@code storm}: sockets held while {@code --restart-command} restarts a node; they reconnect and
 *       catch up while a REST writer keeps writing; no operation may be missed.</li>
 * </ul>
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar dtable.bench.socket.SocketLoad SCENARIO --option value…}.
 * Prints one result line per figure, prefixed {@code SOCKET-LOAD}; exits 1 when a check failed.
 */
public final class SocketLoad {

    private SocketLoad() {
    }

    public static void main(String[] args) throws Exception {
        try {
            System.exit(run(args) ? 0 : 1);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: SocketLoad hold|rooms|storm --key-file FILE [--url URL] [--transport ws|socketio]"
                    + " [--sockets N] [--bases N] … (docs/benchmarks.md, Socket load generator)");
            System.exit(2);
        }
    }

    /**
     * Runs one scenario; true when its checks passed (every socket joined, stayed or came back, and
     * received every operation of its base in order).
     *
     * @throws IllegalArgumentException for a bad command line, before anything is done
     */
    public static boolean run(String... args) throws Exception {
        Options options = Options.parse(args);
        return switch (options.scenario()) {
            case "hold" -> new Hold(options).run();
            case "rooms" -> new Rooms(options).run();
            case "storm" -> new Storm(options).run();
            default -> throw new IllegalStateException(options.scenario());
        };
    }

    static void report(String format, Object... args) {
        System.out.println("SOCKET-LOAD " + String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    /** The sockets of one run, their bases, and the HTTP client they share. */
    static final class Fleet {
        final Options options;
        final NodeClient node;
        final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        final List<String> bases;
        final List<String> tokens = new ArrayList<>();
        final List<LoadSocket> sockets = new ArrayList<>();

        Fleet(Options options, NodeClient node) throws IOException, InterruptedException {
            this.options = options;
            this.node = node;
            NodeClient creator = options.createUrl().equals(options.text("url")) ? node
                    : new NodeClient(options.createUrl(), Path.of(options.text("key-file")));
            long started = System.nanoTime();
            this.bases = creator.createBases(options.number("bases"));
            for (int i = 0; i < bases.size(); i++) {
                tokens.add(node.baseToken(bases.get(i), "load-" + i + "@bench.local"));
            }
            report("created %d bases at %s in %.1f s", bases.size(), options.createUrl(), (System.nanoTime() - started) / 1e9);
        }

        /** A socket of base {@code baseIndex} (not connected). */
        LoadSocket socket(int baseIndex, LoadSocket.Events events) {
            synchronized (sockets) {
                LoadSocket socket = new LoadSocket(baseIndex, bases.get(baseIndex), tokens.get(baseIndex),
                        options.framing(), events, node, options.socketUrl(sockets.size()));
                sockets.add(socket);
                return socket;
            }
        }

        /**
         * Connects every socket given, at most {@code --connect-parallel} handshakes at a time; returns how
         * many joined. Prints the time it took.
         */
        int connectAll(List<LoadSocket> toConnect, String what) throws InterruptedException {
            Semaphore inFlight = new Semaphore(options.number("connect-parallel"));
            AtomicInteger joined = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            Duration timeout = Duration.ofSeconds(options.number("connect-timeout"));
            long started = System.nanoTime();
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (LoadSocket socket : toConnect) {
                inFlight.acquire();
                all.add(socket.connect(http, socket.home, timeout).whenComplete((v, failure) -> {
                    inFlight.release();
                    if (failure == null) {
                        joined.incrementAndGet();
                    } else if (failed.incrementAndGet() <= 5) {
                        System.err.println("connect failed: " + describe(failure));
                    }
                }));
            }
            try {
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(timeout.toSeconds() + 10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // counted per socket above
            }
            report("%s: %d of %d sockets joined (%d failed) in %.1f s (%s, %s)", what, joined.get(), toConnect.size(),
                    failed.get(), (System.nanoTime() - started) / 1e9, options.text("transport"),
                    String.join(", ", options.socketUrls()));
            return joined.get();
        }

        /** Every base's durable version now. */
        long[] finalVersions() throws IOException, InterruptedException {
            long[] finals = new long[bases.size()];
            for (int b = 0; b < finals.length; b++) {
                finals[b] = node.version(bases.get(b));
            }
            return finals;
        }

        /**
         * Waits up to {@code --settle} seconds until each of {@code sockets} holds its base's version in
         * {@code finals}; returns how many still do not (0: all caught up).
         */
        int awaitCaughtUp(List<LoadSocket> sockets, long[] finals) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.number("settle"));
            while (true) {
                int behind = (int) sockets.stream().filter(s -> s.version() < finals[s.baseIndex]).count();
                if (behind == 0 || System.nanoTime() >= deadline) {
                    return behind;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }

        int live() {
            synchronized (sockets) {
                return (int) sockets.stream().filter(LoadSocket::live).count();
            }
        }

        void closeAll() {
            synchronized (sockets) {
                sockets.forEach(LoadSocket::abort);
            }
        }
    }

    /** A failed connect, with the HTTP status of a refused handshake. */
    static String describe(Throwable failure) {
        Throwable cause = (failure instanceof java.util.concurrent.CompletionException
                || failure instanceof java.util.concurrent.ExecutionException) && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof java.net.http.WebSocketHandshakeException refused) {
            return "handshake refused: HTTP " + refused.getResponse().statusCode() + " " + refused.getResponse().body();
        }
        return cause.toString();
    }

    /** Runs {@code --probe-command} through bash with PHASE set; prints its output. */
    static void probe(Options options, String phase) throws IOException, InterruptedException {
        String command = options.text("probe-command");
        if (command.isEmpty()) {
            return;
        }
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true);
        builder.environment().put("PHASE", phase);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        process.waitFor();
        for (String line : output.split("\n")) {
            report("probe %s: %s", phase, line);
        }
    }

    /** Probes REST for {@code --rest-seconds} at {@code --rest-rate} requests per second on {@code uuid}. */
    static Latencies restLatency(NodeClient node, String uuid, Options options) throws InterruptedException {
        Latencies latencies = new Latencies();
        int rate = Math.max(1, options.number("rest-rate"));
        long interval = 1_000_000_000L / rate;
        long end = System.nanoTime() + options.number("rest-seconds") * 1_000_000_000L;
        long next = System.nanoTime();
        int errors = 0;
        while (System.nanoTime() < end) {
            try {
                latencies.add(node.probe(uuid));
            } catch (IOException | RuntimeException e) {
                if (++errors <= 3) {
                    System.err.println("REST probe failed: " + e);
                }
            }
            next += interval;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
        if (errors > 0) {
            report("REST probe errors: %d", errors);
        }
        return latencies;
    }
}
