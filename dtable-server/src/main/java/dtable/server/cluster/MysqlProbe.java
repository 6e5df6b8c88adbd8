package dtable.server.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The node's MySQL probe: one ping per check, bounded, and the {@link MysqlReachability} rule that turns
 * the results into release and rejoin decisions. A ping that does not answer within 1.5 s counts as a
 * failure and is not started again while it hangs (a hung database must not pile pings up); a check that
 * waits on a hung ping counts from when that ping started.
 *
 * <p>Thread rules: not thread-safe; the node's one mysql-check thread owns it. The pings themselves run on
 * virtual threads of their own.
 */
public final class MysqlProbe implements AutoCloseable {

    private final Function<Duration, Boolean> ping;
    private final Clock clock;
    private final MysqlReachability reachability;
    private final ExecutorService mysqlPings = Executors.newVirtualThreadPerTaskExecutor();
    /** A ping still running from an earlier check. */
    private Future<Boolean> pendingPing;
    /** When {@link #pendingPing} started. */
    private Instant pendingPingSince;

    /**
     * @param ping         answers whether MySQL is reachable within the given timeout; never throws
     * @param releaseAfter {@code mysql_unreachable_release_seconds}
     */
    public MysqlProbe(Function<Duration, Boolean> ping, Duration releaseAfter, Clock clock) {
        this.ping = ping;
        this.clock = clock;
        this.reachability = new MysqlReachability(releaseAfter, clock);
    }

    /** Pings MySQL and says what the node must do; {@code others}: another node is registered. */
    public MysqlReachability.Action check(boolean others) {
        if (pendingPing == null) {
            pendingPingSince = clock.instant();
        }
        Instant startedAt = pendingPingSince;
        boolean reachable = pingMysql();
        return reachability.onCheck(reachable, others, startedAt);
    }

    /** False while new writes must be refused ({@link MysqlReachability#writable()}). */
    public boolean writable() {
        return reachability.writable();
    }

    /** How long checks have failed in a row. */
    public Duration unreachableFor() {
        return reachability.unreachableFor();
    }

    /** A ping that does not answer within 1.5 s counts as a failure; it is not started again while it hangs. */
    private boolean pingMysql() {
        if (pendingPing == null) {
            pendingPing = mysqlPings.submit(() -> ping.apply(Duration.ofSeconds(1)));
        }
        try {
            boolean ok = pendingPing.get(1500, TimeUnit.MILLISECONDS);
            pendingPing = null;
            return ok;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            pendingPing = null;
            return false;
        }
    }

    @Override
    public void close() {
        mysqlPings.shutdownNow();
    }
}
