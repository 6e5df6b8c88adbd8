package dtable.bench.socket;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Goal: a node holds many idle sockets cheaply and stays responsive. REST latency (small reads of one
 * base at {@code --rest-rate}) without sockets, then {@code --sockets} sockets over {@code --bases} bases
 * joined and held for {@code --hold} seconds, REST latency again while they are held. The probe command
 * (heap after a GC, RSS) runs before and while held. Fails when a held socket was closed.
 */
final class Hold {

    private final Options options;

    Hold(Options options) {
        this.options = options;
    }

    boolean run() throws Exception {
        NodeClient node = new NodeClient(options.text("url"), Path.of(options.text("key-file")));
        SocketLoad.Fleet fleet = new SocketLoad.Fleet(options, node);
        String probeBase = fleet.bases.getFirst();
        node.probe(probeBase);
        Latencies before = SocketLoad.restLatency(node, probeBase, options);
        SocketLoad.report("%s", before.line("REST GET rows/ without sockets"));
        SocketLoad.probe(options, "before");

        AtomicInteger ended = new AtomicInteger();
        LoadSocket.Events events = new LoadSocket.Events() {
            @Override
            public void delivered(LoadSocket socket, long version, long nanos) {
            }

            @Override
            public void ended(LoadSocket socket, int code, String reason) {
                if (ended.incrementAndGet() <= 5) {
                    System.err.println("socket of " + socket.dtableUuid + " ended: " + code + " " + reason);
                }
            }
        };
        List<LoadSocket> sockets = new ArrayList<>();
        for (int i = 0; i < options.number("sockets"); i++) {
            sockets.add(fleet.socket(i % fleet.bases.size(), events));
        }
        long heldFrom = System.nanoTime();
        int joined = fleet.connectAll(sockets, "hold");
        TimeUnit.SECONDS.sleep(2);
        SocketLoad.probe(options, "held");
        Latencies held = SocketLoad.restLatency(node, probeBase, options);
        SocketLoad.report("%s", held.line("REST GET rows/ with " + joined + " sockets held"));
        SocketLoad.report(String.format(Locale.ROOT, "REST p99 held / without: %.2f x", held.millis(0.99) / before.millis(0.99)));
        long remaining = options.number("hold") * 1_000_000_000L - (System.nanoTime() - heldFrom);
        if (remaining > 0) {
            TimeUnit.NANOSECONDS.sleep(remaining);
        }
        int live = fleet.live();
        SocketLoad.report("after %.0f s: %d of %d sockets live, %d ended", (System.nanoTime() - heldFrom) / 1e9, live,
                sockets.size(), ended.get());
        fleet.closeAll();
        return joined == sockets.size() && live == sockets.size();
    }
}
