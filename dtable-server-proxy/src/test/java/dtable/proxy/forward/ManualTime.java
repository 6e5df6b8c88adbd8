package dtable.proxy.forward;

import dtable.proxy.ProxySettings;
import dtable.proxy.routing.RoutingTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One manual clock for a test's embedded channels (build them with {@code .ticker(clock)}): time moves only when
 * the test says so, and each step runs what falls due on every channel.
 */
final class ManualTime {

    final MockTicker clock = Ticker.newMockTicker();
    private final Supplier<List<EmbeddedChannel>> channels;

    /** @param channels every channel of the test at the time of asking, the client's first */
    ManualTime(Supplier<List<EmbeddedChannel>> channels) {
        this.channels = channels;
    }

    /** Runs what is due on every channel at the current time (a few rounds, as one channel's task may feed another). */
    void settle() {
        for (int round = 0; round < 3; round++) {
            new ArrayList<>(channels.get()).forEach(EmbeddedChannel::runPendingTasks);
        }
    }

    /** Moves the clock in 1 ms steps, running what falls due at each. */
    void pass(Duration duration) {
        for (long ms = 0; ms < duration.toMillis(); ms++) {
            clock.advance(1, TimeUnit.MILLISECONDS);
            settle();
        }
    }

    /** Settings for rule tests: this response timeout, backoffs from 50 to 200 ms, 16 idle connections per node. */
    static ProxySettings settings(Duration responseTimeout) {
        return new ProxySettings(Duration.ofSeconds(2), responseTimeout, 1 << 20, 16, Duration.ofSeconds(10),
                Duration.ofMillis(50), Duration.ofMillis(200), true);
    }

    /** A forwarder over {@code table} whose clock is this one. */
    Forwarder forwarder(RoutingTable table, ProxySettings settings, Duration budget) {
        return new Forwarder(table, new ProxyMetrics(new SimpleMeterRegistry()), settings, budget, Optional.empty(),
                clock::nanoTime);
    }

    /**
     * Node connections for {@code client}'s loop that dial embedded channels on this clock, each with
     * {@code before} and then the real {@link NodeChannels.NodeChannelHandler}, added to {@code dialed}; a dial
     * is refused while {@code refuse} says so.
     */
    NodeChannels nodeChannels(EmbeddedChannel client, ProxySettings settings, BooleanSupplier refuse,
            List<EmbeddedChannel> dialed, ChannelHandler... before) {
        return new NodeChannels(client.eventLoop(), NioSocketChannel.class, settings.connectTimeout(),
                settings.poolMaxIdleTime(), settings.maxIdlePerNode(), null, address -> {
                    if (refuse.getAsBoolean()) {
                        return ImmediateEventExecutor.INSTANCE.newFailedFuture(
                                new ConnectException("Connection refused: " + address.socket()));
                    }
                    List<ChannelHandler> handlers = new ArrayList<>(List.of(before));
                    handlers.add(new NodeChannels.NodeChannelHandler());
                    EmbeddedChannel node = EmbeddedChannel.builder().ticker(clock)
                            .handlers(handlers.toArray(ChannelHandler[]::new)).build();
                    dialed.add(node);
                    return ImmediateEventExecutor.INSTANCE.newSucceededFuture(node);
                });
    }

    /** Nanoseconds since the clock started. */
    long elapsedNanos() {
        return clock.nanoTime() - clock.initialNanoTime();
    }
}
