package dtable.core.etcd;

import io.etcd.jetcd.Client;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Builds the one jetcd {@link Client} a process uses, from SeaTable's {@code etcd_host_list} style
 * ({@code "host:port"}) or full URLs ({@code "http://host:port"}).
 *
 * <p>Settings and why: a short connect timeout so a dead member is skipped quickly; gRPC keep-alive
 * pings every 10 s (etcd's server rejects pings more often than every 5 s) with a 5 s timeout so a
 * hung member (SIGSTOP, network loss) breaks the watch and lease streams instead of leaving them
 * silent; no pings without active calls, which etcd's default policy would answer with GOAWAY.
 * Every call carries etcd's {@code hasleader} metadata (Go's {@code clientv3.WithRequireLeader}): a member cut
 * off from the others' quorum refuses new calls with "no leader" and, a few election timeouts later, ends the
 * watch and lease keep-alive streams it holds, so they move to a member that can answer instead of going silent.
 */
public final class EtcdClients {

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration KEEPALIVE_TIME = Duration.ofSeconds(10);
    public static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(5);
    /** etcd's {@code rpctypes.MetadataRequireLeaderKey}. */
    static final String REQUIRE_LEADER_KEY = "hasleader";

    private EtcdClients() {
    }

    /**
     * A client for the given members.
     *
     * @param hosts {@code "host:port"} or {@code "http(s)://host:port"} entries, at least one
     * @throws IllegalArgumentException when the list is empty or an entry is not a host and port
     */
    public static Client connect(List<String> hosts) {
        return Client.builder()
                .endpoints(endpoints(hosts).toArray(URI[]::new))
                .connectTimeout(CONNECT_TIMEOUT)
                .keepaliveTime(KEEPALIVE_TIME)
                .keepaliveTimeout(KEEPALIVE_TIMEOUT)
                .keepaliveWithoutCalls(false)
                .retryMaxDuration(Duration.ofSeconds(10))
                .header(REQUIRE_LEADER_KEY, "true")
                .build();
    }

    /** The entries as URIs, {@code http://} added where no scheme is given. */
    static List<URI> endpoints(List<String> hosts) {
        if (hosts == null || hosts.isEmpty()) {
            throw new IllegalArgumentException("etcd_host_list is empty");
        }
        return hosts.stream().map(EtcdClients::endpoint).toList();
    }

    private static URI endpoint(String host) {
        String trimmed = host == null ? "" : host.trim();
        URI uri = URI.create(trimmed.contains("://") ? trimmed : "http://" + trimmed);
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("etcd endpoint must be host:port or http://host:port, not '" + host + "'");
        }
        return uri;
    }

    /**
     * Waits at most {@code timeout} for one etcd call; {@code what} names it in the error.
     *
     * @throws EtcdUnavailableException when the call failed (its cause attached), timed out (it is then
     *         cancelled) or the wait was interrupted (the interrupt stays set)
     */
    public static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EtcdUnavailableException(what + " interrupted", e);
        } catch (ExecutionException e) {
            throw new EtcdUnavailableException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new EtcdUnavailableException(what + " timed out after " + timeout, e);
        }
    }
}
