package dtable.clustertest;

import dtable.core.bucket.BaseUuid;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Continuous write load on a set of bases: per base {@code httpWriters} clients through the proxy and
 * {@code socketWriters} real-time clients, all recording into one {@link History}. Several writers per
 * base make the server interleave their operations, so "a version acknowledged to two clients is the
 * same op" is actually exercised.
 *
 * <p>{@link #close()} stops every writer and waits for the requests in flight to finish or time out.
 * Used by the test thread only.
 */
final class WriteLoad implements AutoCloseable {

    /**
     * @param httpWriters   HTTP clients per base
     * @param socketWriters socket clients per base
     * @param pauseMillis   think time of each client between writes (keeps two cores from saturating)
     */
    record Shape(int httpWriters, int socketWriters, long pauseMillis) {
        static Shape standard() {
            return new Shape(1, 1, Long.getLong("load.pauseMillis", 15));
        }
    }

    private final List<Thread> threads = new ArrayList<>();
    private final List<HttpWriter> http = new ArrayList<>();
    private final List<SocketWriter> sockets = new ArrayList<>();

    private WriteLoad() {
    }

    /** Starts the writers; {@code tag} makes payloads unique across scenarios of one run. */
    static WriteLoad start(ClusterApi api, History history, List<BaseUuid> bases, String tag, Shape shape) {
        WriteLoad load = new WriteLoad();
        DevCluster cluster = api.cluster();
        Diagnostics diagnostics = new Diagnostics(cluster, tag);
        for (int b = 0; b < bases.size(); b++) {
            BaseUuid base = bases.get(b);
            String token = cluster.baseToken(base);
            for (int i = 0; i < shape.httpWriters(); i++) {
                HttpWriter writer = new HttpWriter(api.http(), history, cluster.proxyUrl(), base, token,
                        tag + "-b" + b + "-h" + i, shape.pauseMillis(), diagnostics);
                load.http.add(writer);
                load.threads.add(Thread.ofPlatform().name("http-" + tag + "-b" + b + "-" + i).daemon(true).start(writer));
            }
            for (int i = 0; i < shape.socketWriters(); i++) {
                // every other socket writer uses the owner's write port, so that faults hit both servers' sockets
                SocketWriter writer = new SocketWriter(api, history, base, token, tag + "-b" + b + "-s" + i,
                        shape.pauseMillis(), (b + i) % 2 == 1);
                load.sockets.add(writer);
                load.threads.add(Thread.ofPlatform().name("socket-" + tag + "-b" + b + "-" + i).daemon(true).start(writer));
            }
        }
        return load;
    }

    /** Stops all writers and waits up to 90 s for their last request (the HTTP timeout is 75 s). */
    @Override
    public void close() {
        http.forEach(HttpWriter::stop);
        sockets.forEach(SocketWriter::stop);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        List<String> stuck = threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        if (!stuck.isEmpty()) {
            throw new IllegalStateException("writers did not stop within 90 s: " + stuck);
        }
    }
}
