package dtable.bench.socket;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Goal: a reconnect storm. {@code --sockets} sockets over {@code --bases} bases are joined; a writer
 * keeps writing ({@code --rate} REST operations per second in total, through {@code --url}, retried
 * while the base is unavailable); then {@code --restart-command} runs (for example
 * {@code bin/dev-cluster stop dtable-server-01 && bin/dev-cluster start dtable-server-01}). Every socket
 * that ends reconnects by itself (to the {@code node_url} of a {@code base-moved} frame when it got one,
 * else where it came through: its {@code --socket-url}, default {@code --url}), with a backoff of
 * 0.2-2 s plus jitter, and catches up. Reported: the time from the restart until all are live again, and
 * until all hold their base's last version; fails when one misses an operation or is not live again within
 * {@code --settle} seconds after the command.
 */
final class Storm {

    private final Options options;
    private final AtomicInteger disconnects = new AtomicInteger();
    private final AtomicLong reconnectAttempts = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final java.util.concurrent.atomic.AtomicReference<String> lastFailure = new java.util.concurrent.atomic.AtomicReference<>();

    Storm(Options options) {
        this.options = options;
    }

    boolean run() throws Exception {
        NodeClient node = new NodeClient(options.text("url"), Path.of(options.text("key-file")));
        SocketLoad.Fleet fleet = new SocketLoad.Fleet(options, node);
        LoadSocket.Events events = new LoadSocket.Events() {
            @Override
            public void delivered(LoadSocket socket, long version, long nanos) {
            }

            @Override
            public void ended(LoadSocket socket, int code, String reason) {
                disconnects.incrementAndGet();
                if (running.get()) {
                    Thread.ofVirtual().start(() -> reconnect(fleet, socket));
                }
            }
        };
        List<LoadSocket> sockets = new ArrayList<>();
        for (int i = 0; i < options.number("sockets"); i++) {
            sockets.add(fleet.socket(i % fleet.bases.size(), events));
        }
        if (fleet.connectAll(sockets, "storm") < sockets.size()) {
            // a handshake refused under load is retried, as a browser would
            sockets.stream().filter(s -> !s.live()).forEach(s -> Thread.ofVirtual().start(() -> reconnect(fleet, s)));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.number("connect-timeout"));
            while (fleet.live() < sockets.size() && System.nanoTime() < until) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            if (fleet.live() < sockets.size()) {
                SocketLoad.report("CHECK FAILED: only %d of %d sockets joined before the restart", fleet.live(), sockets.size());
                fleet.closeAll();
                return false;
            }
            SocketLoad.report("all %d joined after retrying %d refused handshakes", sockets.size(), reconnectAttempts.get());
            reconnectAttempts.set(0);
        }
        AtomicLong written = new AtomicLong();
        Thread writer = Thread.ofVirtual().start(() -> write(fleet, written));
        TimeUnit.SECONDS.sleep(3);

        long restart = System.nanoTime();
        SocketLoad.report("restart: %s", options.text("restart-command"));
        Process command = new ProcessBuilder("bash", "-c", options.text("restart-command")).inheritIO().start();
        long allLive = 0;
        long commandDone = 0;
        int sawDown = 0;
        int waves = 0;
        long deadline = Long.MAX_VALUE;
        // all live again = the last moment the live count came back to all after a disconnect wave (a node
        // that stops hands its bases over, one that starts may take them back: two waves)
        while (System.nanoTime() < deadline) {
            int live = fleet.live();
            sawDown = Math.max(sawDown, sockets.size() - live);
            if (commandDone == 0 && !command.isAlive()) {
                commandDone = System.nanoTime();
                deadline = commandDone + TimeUnit.SECONDS.toNanos(options.number("settle"));
                SocketLoad.report("restart command exited %d after %.1f s", command.exitValue(), seconds(restart, commandDone));
            }
            if (live < sockets.size()) {
                if (allLive != 0 || waves == 0) {
                    waves++;
                }
                allLive = 0;
            } else if (allLive == 0 && waves > 0) {
                allLive = System.nanoTime();
                SocketLoad.report("all %d live again %.1f s after the restart began", sockets.size(), seconds(restart, allLive));
            }
            if (commandDone != 0 && allLive != 0 && System.nanoTime() - commandDone > TimeUnit.SECONDS.toNanos(10)) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        TimeUnit.SECONDS.sleep(3);
        running.set(false);
        writer.join();
        long[] finals = fleet.finalVersions();
        long finalVersions = java.util.Arrays.stream(finals).sum();
        int behind = fleet.awaitCaughtUp(sockets, finals);
        long caughtUp = behind == 0 ? System.nanoTime() : 0;

        SocketLoad.report("%d sockets, %d bases, %s via %s: %d disconnects, at most %d down at once, %d reconnect attempts",
                sockets.size(), finals.length, options.text("transport"), String.join(", ", options.socketUrls()),
                disconnects.get(), sawDown, reconnectAttempts.get());
        SocketLoad.report("operations written during the run: %d (sum of final versions %d)", written.get(), finalVersions);
        if (allLive != 0) {
            SocketLoad.report("restart -> all %d live again: %.1f s (%d disconnect waves; the restart command took %.1f s)",
                    sockets.size(), seconds(restart, allLive), waves, seconds(restart, commandDone));
        } else {
            SocketLoad.report("CHECK FAILED: only %d of %d live %d s after the restart command", fleet.live(), sockets.size(),
                    options.number("settle"));
        }
        if (caughtUp != 0) {
            SocketLoad.report("restart -> every socket at its base's last version: %.1f s; missed operations: 0",
                    seconds(restart, caughtUp));
        } else {
            SocketLoad.report("CHECK FAILED: %d sockets miss operations", behind);
        }
        fleet.closeAll();
        return allLive != 0 && caughtUp != 0;
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }

    private void reconnect(SocketLoad.Fleet fleet, LoadSocket socket) {
        long backoff = 200;
        Duration timeout = Duration.ofSeconds(options.number("connect-timeout"));
        while (running.get()) {
            try {
                TimeUnit.MILLISECONDS.sleep(backoff + ThreadLocalRandom.current().nextLong(backoff));
                reconnectAttempts.incrementAndGet();
                String url = socket.movedTo() != null ? socket.movedTo() : socket.home;
                socket.connect(fleet.http, url, timeout).get();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (lastFailure.getAndSet(SocketLoad.describe(e)) == null) {
                    System.err.println("reconnect failed: " + SocketLoad.describe(e));
                }
                backoff = Math.min(2000, backoff * 2);
            }
        }
    }

    /** Round-robin REST writes at {@code --rate} per second; a failed write is retried until it is applied. */
    private void write(SocketLoad.Fleet fleet, AtomicLong written) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String url = options.text("url").replaceAll("/+$", "");
        long interval = options.number("rate") == 0 ? 0 : 1_000_000_000L / options.number("rate");
        int i = 0;
        while (running.get() && interval > 0) {
            int b = i++ % fleet.bases.size();
            String body = "{\"op_type\":\"insert_row\",\"table_id\":\"0000\",\"row_data\":{\"0000\":\"storm " + i + "\"}}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/v1/dtables/" + fleet.bases.get(b) + "/operations/"))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Token " + fleet.tokens.get(b))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            try {
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 || answer.statusCode() == 201) {
                    written.incrementAndGet();
                } else {
                    TimeUnit.MILLISECONDS.sleep(100);
                    continue;
                }
                TimeUnit.NANOSECONDS.sleep(interval);
            } catch (IOException e) {
                sleepQuietly();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void sleepQuietly() {
        try {
            TimeUnit.MILLISECONDS.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
