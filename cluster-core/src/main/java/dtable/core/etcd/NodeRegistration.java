package dtable.core.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one key ({@code nodes/{id}} or {@code slaves/{id}}) registered under a lease, with
 * self-fencing.
 *
 * <p>Contract: {@link RegistrationListener#onRegistered} fires when the key is written under a new
 * lease; {@link RegistrationListener#onLeaseLost} fires when etcd reports the lease gone (revoked,
 * expired) or when no keep-alive answer arrived for {@code fenceAfter} (default 0.8 × TTL), measured
 * on the injected clock. The second case fires without etcd's help, so a node cut off from etcd
 * stops serving <em>before</em> etcd expires its lease and the monitor gives its buckets to another
 * node. After a loss the registration keeps trying to register again under a new lease (backoff
 * 100 ms doubling to 2 s, ±25 %) and fires {@code onRegistered} again. Once the jetcd client is closed it
 * stops for good. {@link #close()} revokes the lease, so a graceful shutdown frees the buckets at once.
 * Keep-alives and the deadline are a {@link LeaseKeeper}'s: one short call every fenceAfter / 4, each on the next
 * etcd member, and the silence counted from the send time of the newest answered call.
 *
 * <p>Threads: every state change and every listener call happens on one thread owned by this
 * object ({@code registration-<key>}); keep-alive callbacks from jetcd are handed to it. Fields
 * marked "registration thread" are touched only there.
 */
public final class NodeRegistration implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeRegistration.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration MAX_RETRY = Duration.ofSeconds(2);

    private final Client client;
    private final ByteSequence key;
    /** The registration value, asked for at every (re-)registration (a node reports the buckets it held). */
    private final Supplier<String> value;
    private final Duration ttl;
    private final Duration fenceAfter;
    private final Duration opTimeout;
    private final Clock clock;
    private final RegistrationListener listener;
    private final ScheduledExecutorService thread;
    private final CountDownLatch firstRegistration = new CountDownLatch(1);

    /** The lease the key is attached to while registered, else 0. Written on the registration thread. */
    private volatile long leaseId;
    private volatile boolean closed;
    /** Registration thread: the keeper of the current lease, or null while unregistered. */
    private LeaseKeeper keeper;
    /** Registration thread. */
    private Duration nextRetry = FIRST_RETRY;
    /** Registration thread: set once the client is closed; nothing more can be done. */
    private boolean clientClosed;

    private NodeRegistration(Client client, String key, Supplier<String> jsonValue, Duration ttl, Duration fenceAfter,
            Clock clock, RegistrationListener listener) {
        this.client = Objects.requireNonNull(client, "client");
        this.key = ByteSequence.from(Objects.requireNonNull(key, "key"), StandardCharsets.UTF_8);
        this.value = Objects.requireNonNull(jsonValue, "jsonValue");
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("lease TTL must be at least 1 s: " + ttl);
        }
        if (fenceAfter.isNegative() || fenceAfter.isZero() || fenceAfter.compareTo(ttl) >= 0) {
            throw new IllegalArgumentException("fenceAfter must be positive and shorter than the TTL: " + fenceAfter);
        }
        this.ttl = ttl;
        this.fenceAfter = fenceAfter;
        this.opTimeout = clamp(ttl.dividedBy(2), Duration.ofSeconds(1), Duration.ofSeconds(5));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("registration-" + key).daemon(true).factory());
    }

    /** Registers with {@code fenceAfter} = 0.8 × {@code ttl} on a monotonic clock. */
    public static NodeRegistration start(Client client, String key, String jsonValue, Duration ttl,
            RegistrationListener listener) {
        Objects.requireNonNull(jsonValue, "jsonValue");
        return start(client, key, () -> jsonValue, ttl, listener);
    }

    /** As {@link #start(Client, String, String, Duration, RegistrationListener)}; the value is computed at every registration. */
    public static NodeRegistration start(Client client, String key, Supplier<String> jsonValue, Duration ttl,
            RegistrationListener listener) {
        return start(client, key, jsonValue, ttl, ttl.multipliedBy(4).dividedBy(5), MonotonicClock.get(), listener);
    }

    /**
     * Starts registering {@code key} = {@code jsonValue} under a lease of {@code ttl} (whole seconds,
     * rounded up). Returns at once; the first attempt runs on the registration thread.
     *
     * @param fenceAfter silence after which the lease counts as lost; shorter than {@code ttl}
     * @param clock      the time source for that silence (tests inject their own)
     */
    public static NodeRegistration start(Client client, String key, String jsonValue, Duration ttl,
            Duration fenceAfter, Clock clock, RegistrationListener listener) {
        Objects.requireNonNull(jsonValue, "jsonValue");
        return start(client, key, () -> jsonValue, ttl, fenceAfter, clock, listener);
    }

    /** As above; {@code jsonValue} is asked for at every registration. */
    public static NodeRegistration start(Client client, String key, Supplier<String> jsonValue, Duration ttl,
            Duration fenceAfter, Clock clock, RegistrationListener listener) {
        NodeRegistration registration =
                new NodeRegistration(client, key, jsonValue, ttl, fenceAfter, clock, listener);
        registration.thread.execute(registration::register);
        long checkMillis = clamp(fenceAfter.dividedBy(10), Duration.ofMillis(10), Duration.ofMillis(250)).toMillis();
        registration.thread.scheduleAtFixedRate(registration::checkDeadline, checkMillis, checkMillis,
                TimeUnit.MILLISECONDS);
        return registration;
    }

    /** True while the key is written under a lease this registration believes alive. */
    public boolean isRegistered() {
        return leaseId != 0;
    }

    /** The current lease id, or 0 when not registered. */
    public long leaseId() {
        return leaseId;
    }

    /** Waits for the first successful registration; false on timeout. */
    public boolean awaitRegistered(Duration timeout) throws InterruptedException {
        return firstRegistration.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Registration thread: one attempt to grant a lease, write the key and start keep-alives. */
    private void register() {
        if (closed || clientClosed || leaseId != 0) {
            return;
        }
        Instant grantedAt = clock.instant(); // before the request: the lease cannot start earlier
        long granted = 0;
        try {
            granted = client.getLeaseClient().grant(ttlSeconds()).get(opTimeout.toMillis(), TimeUnit.MILLISECONDS).getID();
            ByteSequence registered = ByteSequence.from(value.get(), StandardCharsets.UTF_8);
            client.getKVClient().put(key, registered, PutOption.builder().withLeaseId(granted).build())
                    .get(opTimeout.toMillis(), TimeUnit.MILLISECONDS);
            long lease = granted;
            LeaseKeeper fresh = new LeaseKeeper(LeaseKeeper.KeepAliveCall.of(client.getLeaseClient()), lease, ttl,
                    fenceAfter, clock, grantedAt);
            Instant now = clock.instant();
            if (fresh.expired(now)) {
                // announcing would only be followed by a fence on the next check: start over with a new lease
                throw new IllegalStateException("grant and put took " + fresh.silence(now).toMillis()
                        + " ms, not less than the fence time of " + fenceAfter.toMillis() + " ms");
            }
            keeper = fresh;
            leaseId = lease;
            nextRetry = FIRST_RETRY;
            log.info("registered {} under lease {} (ttl {}, fence after {})", key, Long.toHexString(lease), ttl, fenceAfter);
            notifyListener(() -> listener.onRegistered(lease));
            firstRegistration.countDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (isClientClosed(e)) {
                clientClosed = true;
                log.warn("etcd client closed; {} stays unregistered", key);
                return;
            }
            log.warn("registering {} failed, retrying in about {}: {}", key, nextRetry, e.toString());
            if (granted != 0) {
                client.getLeaseClient().revoke(granted); // best effort; it expires on its own otherwise
            }
            scheduleRetry();
        }
    }

    /** Registration thread: the self-fencing check and the keep-alive sender, run periodically. */
    private void checkDeadline() {
        try {
            if (leaseId == 0) {
                return;
            }
            Instant now = clock.instant();
            if (keeper.expired(now)) {
                leaseLost(leaseId, "no keep-alive answer for " + keeper.silence(now).toMillis()
                        + " ms (fence after " + fenceAfter.toMillis() + " ms)");
            } else if (keeper.due(now)) {
                keeper.send().thenAccept(renewal -> onRegistrationThread(() -> renewed(renewal)));
            }
        } catch (RuntimeException e) {
            // an exception would cancel the periodic check, and with it self-fencing
            log.error("fencing check of {} failed", key, e);
        }
    }

    /** Registration thread: one keep-alive call's result. */
    private void renewed(LeaseKeeper.Renewal renewal) {
        if (renewal.leaseId() != leaseId || keeper == null) {
            return; // a call for an earlier lease
        }
        switch (renewal.outcome()) {
            case RENEWED -> keeper.record(renewal);
            case GONE -> leaseLost(renewal.leaseId(), renewal.detail());
            case CLIENT_CLOSED -> {
                clientClosed = true;
                leaseLost(renewal.leaseId(), renewal.detail());
            }
            case NO_ANSWER -> {
                keeper.record(renewal); // the next call goes out sooner
                log.debug("keep-alive of {} unanswered: {}", key, renewal.detail());
            }
        }
    }

    /** Registration thread. */
    private void leaseLost(long lease, String reason) {
        if (lease != leaseId || lease == 0) {
            return; // an old lease, already handled
        }
        leaseId = 0;
        keeper = null;
        log.warn("lease {} of {} lost: {}", Long.toHexString(lease), key, reason);
        notifyListener(() -> listener.onLeaseLost(reason));
        if (!clientClosed) {
            scheduleRetry();
        }
    }

    /** A throwing listener must not kill the registration thread's periodic fencing check. */
    private void notifyListener(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.error("registration listener of {} failed", key, e);
        }
    }

    private void scheduleRetry() {
        if (closed) {
            return;
        }
        // ±25 % jitter: the client balances calls round-robin over the etcd members, and a retry every 2 s beside the
        // watcher's probe every 1 s would otherwise land on the same member every time (seen: 40 s of "no leader"
        // from the one member cut off from its peers while the other two had quorum)
        long delay = nextRetry.toMillis() * ThreadLocalRandom.current().nextLong(75, 126) / 100;
        nextRetry = min(nextRetry.multipliedBy(2), MAX_RETRY);
        try {
            thread.schedule(this::register, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void onRegistrationThread(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: nothing to report any more
        }
    }

    /**
     * Stops keep-alives and revokes the lease, so the key disappears at once (graceful shutdown).
     * Does not fire {@code onLeaseLost}. Waits at most a few seconds for etcd; idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            thread.submit(this::revoke).get(opTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("revoking the lease of {} did not finish: {}", key, e.toString());
        } finally {
            thread.shutdownNow();
        }
    }

    /** Registration thread. */
    private void revoke() {
        long lease = leaseId;
        leaseId = 0;
        keeper = null;
        if (lease != 0 && !clientClosed) {
            try {
                client.getLeaseClient().revoke(lease).get(opTimeout.toMillis(), TimeUnit.MILLISECONDS);
                log.info("revoked lease {} of {}", Long.toHexString(lease), key);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn("revoking lease {} of {} failed (it expires within {}): {}", Long.toHexString(lease), key,
                        ttl, e.toString());
            }
        }
    }

    private long ttlSeconds() {
        return (ttl.toMillis() + 999) / 1000;
    }

    private static boolean isClientClosed(Throwable e) {
        return LeaseKeeper.isClientClosed(e);
    }

    private static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : min(value, max);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public String toString() {
        return "NodeRegistration{" + key + ", lease=" + Long.toHexString(leaseId) + "}";
    }
}
