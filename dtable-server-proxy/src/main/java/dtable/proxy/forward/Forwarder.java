package dtable.proxy.forward;

import dtable.core.cluster.NodeInfo;
import dtable.core.cluster.SlaveInfo;
import dtable.proxy.ProxySettings;
import dtable.proxy.routing.RoutingTable;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.AsciiString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.NettyPipeline;
import reactor.netty.http.HttpResources;

/**
 * The forwarding path, shared by all client connections: what every {@link Exchange} needs (the
 * routing table, settings, metrics, the clock) and the per-event-loop state (node connection pools,
 * exchanges waiting for a map change).
 *
 * <p>How it is wired: {@link #install} puts a {@link ForwardingChannelHandler} into each client
 * connection of the Reactor Netty server right after its HTTP codec. Requests under a base prefix are
 * handled there in plain Netty, on the connection's event loop, with node connections pooled per
 * loop; everything else (ping, cluster map, actuator) passes on to Spring WebFlux. Plain Netty on the
 * hot path is a measured choice: with Reactor Netty's pooled {@code HttpClient} a forwarded GET cost
 * 25-29 µs of CPU on the benchmark machine, this way 14-18 µs (nginx: 8-12 µs; docs/benchmarks.md).
 * Before the codec, a {@link ByteForwardingHandler} sends plain GETs to their owner as bytes, with node
 * connections of a second pool per loop ({@link LoopState#byteChannels}), and hands the rest to the codec.
 *
 * <p>Threads: the maps are concurrent; each {@link LoopState} is used only on its loop; map changes
 * arrive on the routing table's listener thread and are handed to every loop.
 */
public final class Forwarder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);
    static final AsciiString READ_LEVEL_HEADER = AsciiString.cached("x-dtable-read-level");
    static final String HANDLER_NAME = "dtable.forwarding";
    static final String BYTES_HANDLER_NAME = "dtable.bytes";

    private final RoutingTable table;
    private final ProxyMetrics metrics;
    private final ProxySettings settings;
    private final long budgetNanos;
    private final Optional<NodeAddress> slave;
    private final LongSupplier nanoClock;
    private final SslContext tls;
    private final Map<EventLoop, LoopState> loops = new ConcurrentHashMap<>();
    private final Map<String, NodeAddress> addresses = new ConcurrentHashMap<>();
    /** Exchanges between their request head and the end of their answer; guarded by itself for waiting. */
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean draining;
    /** GETs forwarded as bytes ({@link ByteExchange}), fallbacks to the codec path included. */
    final LongAdder forwardedAsBytes = new LongAdder();
    volatile BiConsumer<String, Throwable> connectFailures = (node, cause) -> { }; // see onConnectFailure

    /**
     * @param retryBudget how long one request may be retried ({@code retry_budget_ms})
     * @param slaveUrl    {@code dtable_server_slave_url}, for stale reads while an owner is unreachable
     * @param nanoClock   monotonic time in nanoseconds ({@code System::nanoTime})
     */
    public Forwarder(RoutingTable table, ProxyMetrics metrics, ProxySettings settings, Duration retryBudget,
                     Optional<String> slaveUrl, LongSupplier nanoClock) {
        this.table = table;
        this.metrics = metrics;
        this.settings = settings;
        this.budgetNanos = retryBudget.toNanos();
        this.slave = slaveUrl.map(NodeAddress::parse);
        this.nanoClock = nanoClock;
        this.tls = clientTls();
        table.onChange(map -> loops.values().forEach(state -> state.loop.execute(state::wakeWaiters)));
    }

    /**
     * Adds the forwarding handler to a new client connection of the Reactor Netty server, after its HTTP codec,
     * and (unless {@code dtable.proxy.forward-bytes=false}) the handler that forwards plain GETs as bytes before it.
     */
    public void install(Channel channel) {
        if (channel.pipeline().get(NettyPipeline.HttpCodec) == null) {
            log.warn("no HTTP/1.1 codec on {}; base requests on it go to Spring and get 404", channel);
            return;
        }
        ForwardingChannelHandler forwarding = new ForwardingChannelHandler(this);
        channel.pipeline().addAfter(NettyPipeline.HttpCodec, HANDLER_NAME, forwarding);
        if (settings.forwardBytes()) {
            channel.pipeline().addBefore(NettyPipeline.HttpCodec, BYTES_HANDLER_NAME,
                    new ByteForwardingHandler(this, forwarding));
        }
    }

    /** GETs forwarded as bytes so far (a counter). */
    public long forwardedAsBytes() {
        return forwardedAsBytes.sum();
    }

    /** Told of every failed connect to a node's {@code local_node_url} (node id, cause), on an event loop. */
    public void onConnectFailure(BiConsumer<String, Throwable> listener) { connectFailures = listener; }

    RoutingTable table() {
        return table;
    }

    ProxyMetrics metrics() {
        return metrics;
    }

    ProxySettings settings() {
        return settings;
    }

    long budgetNanos() {
        return budgetNanos;
    }

    /**
     * Where stale reads go: {@code dtable_server_slave_url} when it is set, otherwise a slave registered
     * under {@code slaves/} in the current routing snapshot (the lowest node id, so every request of a
     * base goes to the same slave and finds it warm), or none.
     */
    Optional<NodeAddress> slave() {
        if (slave.isPresent()) {
            return slave;
        }
        SlaveInfo chosen = null;
        for (SlaveInfo registered : table.current().slaves().values()) {
            if (registered.localNodeUrl() != null && !registered.localNodeUrl().isBlank()
                    && (chosen == null || registered.nodeId().compareTo(chosen.nodeId()) < 0)) {
                chosen = registered;
            }
        }
        if (chosen == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(address(chosen.localNodeUrl()));
        } catch (RuntimeException e) {
            return Optional.empty(); // a registration with a URL we cannot use: no stale read
        }
    }

    long nanoTime() {
        return nanoClock.getAsLong();
    }

    /** True once shutdown began: new base requests are refused (503), running ones finish. */
    boolean isDraining() {
        return draining;
    }

    void exchangeStarted() {
        active.incrementAndGet();
    }

    void exchangeEnded() {
        if (active.decrementAndGet() == 0 && draining) {
            synchronized (active) {
                active.notifyAll();
            }
        }
    }

    /** Exchanges in progress (a gauge). */
    public int activeExchanges() {
        return active.get();
    }

    /**
     * Starts refusing new base requests and waits until the running exchanges have ended, at most
     * {@code timeout}. Called once at shutdown, before the server stops; Reactor Netty's graceful
     * shutdown does not know these requests.
     *
     * @return true when none was left running
     */
    public boolean drain(Duration timeout) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (active) {
            while (active.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    log.warn("shutting down with {} forwarded requests still running", active.get());
                    return false;
                }
                active.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    /**
     * Where an attempt for {@code owner} goes: a hot row write ({@link ForwardedRequest#isHotWrite}) to the
     * owner's write port when it registered a usable {@code write_url} (docs/architecture.md, "The write
     * port"), anything else to its {@code local_node_url}. Asked at each attempt, as the owner may change.
     */
    NodeAddress addressOf(NodeInfo owner, boolean hotWrite) {
        String writeUrl = owner.writeUrl();
        if (hotWrite && writeUrl != null && !writeUrl.isBlank()) {
            try {
                return address(writeUrl);
            } catch (IllegalArgumentException e) {
                // a write_url we cannot use: the local URL answers the same writes, only at a higher cost
            }
        }
        return address(owner.localNodeUrl());
    }

    /** The parsed form of a node URL (parsed once per distinct URL). */
    NodeAddress address(String url) {
        return addresses.computeIfAbsent(url, NodeAddress::parse);
    }

    /** The state of the loop running {@code channel}. */
    LoopState loopOf(Channel channel) {
        EventLoop loop = channel.eventLoop();
        LoopState state = loops.get(loop);
        if (state == null) {
            @SuppressWarnings("unchecked")
            Class<? extends SocketChannel> channelClass =
                    HttpResources.get().onChannelClass(SocketChannel.class, loop);
            state = loops.computeIfAbsent(loop, key -> new LoopState(key, new NodeChannels(key, channelClass,
                    settings.connectTimeout(), settings.poolMaxIdleTime(), settings.maxIdlePerNode(), tls),
                    settings.forwardBytes() ? new NodeChannels(key, channelClass, settings.connectTimeout(),
                            settings.poolMaxIdleTime(), settings.maxIdlePerNode(), tls, null, false) : null));
        }
        return state;
    }

    /** Uses {@code channels} for the connections of {@code loop} (for loops the server did not make: tests). */
    LoopState adopt(EventLoop loop, NodeChannels channels) {
        return adopt(loop, channels, null);
    }

    /** As {@link #adopt(EventLoop, NodeChannels)}, with connections without codec for GETs forwarded as bytes. */
    LoopState adopt(EventLoop loop, NodeChannels channels, NodeChannels byteChannels) {
        LoopState state = new LoopState(loop, channels, byteChannels);
        loops.put(loop, state);
        return state;
    }

    private static SslContext clientTls() {
        try {
            return SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for https node URLs", e);
        }
    }

    /** Closes idle node connections (unless their event loops are already shut down, which closed them). */
    @Override
    public void close() {
        for (LoopState state : loops.values()) {
            try {
                state.loop.execute(() -> {
                    state.channels.closeAll();
                    if (state.byteChannels != null) {
                        state.byteChannels.closeAll();
                    }
                });
            } catch (RejectedExecutionException e) {
                // the loop is gone and its channels with it
            }
        }
    }

    /**
     * What one event loop holds: its node connections (with an HTTP codec, and without for GETs forwarded as
     * bytes) and its exchanges waiting for a map change.
     */
    static final class LoopState {
        private final EventLoop loop;
        private final NodeChannels channels;
        private final NodeChannels byteChannels;
        private final Set<Exchange> waiting = new LinkedHashSet<>();

        LoopState(EventLoop loop, NodeChannels channels, NodeChannels byteChannels) {
            this.loop = loop;
            this.channels = channels;
            this.byteChannels = byteChannels;
        }

        NodeChannels channels() {
            return channels;
        }

        /** Node connections without codec, or null when GETs are not forwarded as bytes. */
        NodeChannels byteChannels() {
            return byteChannels;
        }

        void waitForChange(Exchange exchange) {
            waiting.add(exchange);
        }

        void stopWaiting(Exchange exchange) {
            waiting.remove(exchange);
        }

        private void wakeWaiters() {
            if (waiting.isEmpty()) {
                return;
            }
            List<Exchange> woken = new ArrayList<>(waiting);
            waiting.clear();
            woken.forEach(Exchange::wake);
        }
    }
}
