package dtable.core.etcd;

import io.etcd.jetcd.Lease;
import io.etcd.jetcd.common.exception.ClosedClientException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;

/**
 * Keeps one etcd lease alive and says, on the holder's clock, until when the holder may act on it. The one
 * keeper of every lease holder: node and slave registrations ({@link NodeRegistration}) and the monitors' election.
 *
 * <p><b>Deadline rule.</b> An answer proves that etcd renewed the lease no earlier than the moment its request was
 * <em>sent</em>, so the lease is trusted until {@code sentAt + min(trustFor, answered TTL)} of the newest answered
 * request (the grant counts, from the moment the grant was asked for). Anchoring at the answer's arrival instead
 * stretches the deadline by the round trip: with a slow answer, past the moment etcd may already have expired the
 * lease and handed its keys to someone else. {@code trustFor} is the fence time of a node (0.8 × TTL, so it stops
 * serving before etcd can expire the lease) and the TTL itself for a monitor (whose writes are guarded in etcd).
 *
 * <p><b>Sending rule.</b> One {@code keepAliveOnce} every {@link #period()} (a quarter of {@code trustFor}, at most a
 * third of the TTL; each wait drawn between 0.8 and 1 period, so that the calls do not keep in step with another
 * periodic call of the process and land on the same member every time), each given up after {@link #callTimeout()};
 * sooner after a failed call, or while the last call is unanswered ({@link #due}). Every call is a new gRPC stream,
 * which the client's round-robin balancing puts on the next member; so a member that cannot answer (cut off from its
 * peers' quorum, frozen) costs one unanswered call, never the whole fence time, as a long-lived keep-alive stream
 * that stays on that member until etcd ends it (about four election timeouts) would.
 *
 * <p>Not thread-safe: one owner thread calls everything. The futures of {@link #send()} complete on the client's
 * threads; the owner hands their {@link Renewal} back to its own thread before {@link #record}ing it.
 */
public final class LeaseKeeper {

    /** What one keep-alive call found. */
    public enum Outcome {
        /** etcd renewed the lease for {@link Renewal#ttlSeconds()}. */
        RENEWED,
        /** etcd says the lease no longer exists (expired or revoked). */
        GONE,
        /** No answer in time, or a transient error: not evidence of anything, the deadline decides. */
        NO_ANSWER,
        /** The client was closed; nothing more can be sent. */
        CLIENT_CLOSED
    }

    /** The result of one call, stamped with the moment it was sent. */
    public record Renewal(long leaseId, Instant sentAt, Outcome outcome, long ttlSeconds, String detail) {
    }

    /** One keep-alive request for a lease; completes with the TTL etcd granted, ≤ 0 when the lease is gone. */
    @FunctionalInterface
    public interface KeepAliveCall {
        CompletableFuture<Long> renew(long leaseId);

        /** jetcd's single keep-alive ({@code keepAliveOnce}: one new stream per call). */
        static KeepAliveCall of(Lease leases) {
            Objects.requireNonNull(leases, "leases");
            return lease -> leases.keepAliveOnce(lease).thenApply(LeaseKeepAliveResponse::getTTL);
        }
    }

    private final KeepAliveCall call;
    private final long leaseId;
    private final Duration trustFor;
    private final Duration period;
    private final Duration callTimeout;
    private final Clock clock;
    /** The share of a period to wait before the next call, drawn per call: (0.8, 1]. */
    private final DoubleSupplier jitter;
    /** Owner thread: the end of trust given by the newest answer (or the grant). */
    private Instant validUntil;
    /** Owner thread: the send time of the newest answered request (or of the grant). */
    private Instant renewedFrom;
    /** Owner thread. */
    private Instant lastSent = Instant.MIN;
    /** Owner thread: the wait after {@link #lastSent}, jittered. */
    private Duration nextWait = Duration.ZERO;
    /** Owner thread: the newest call failed, so the next one goes out after a quarter period, not a period. */
    private boolean lastFailed;
    /** Owner thread: the newest call has been answered (or given up); while it has not, the next goes out sooner. */
    private boolean lastAnswered = true;

    /**
     * @param ttl         the TTL the lease was granted with
     * @param trustFor    how long after a renewal's send time the holder trusts the lease; positive, at most the TTL
     * @param grantSentAt when the grant was asked for, on {@code clock}
     */
    public LeaseKeeper(KeepAliveCall call, long leaseId, Duration ttl, Duration trustFor, Clock clock,
            Instant grantSentAt) {
        this(call, leaseId, ttl, trustFor, clock, grantSentAt, () -> 1 - ThreadLocalRandom.current().nextDouble(0.2));
    }

    /** As above; {@code jitter} gives the share of the period to wait before each next call (tests: 1). */
    LeaseKeeper(KeepAliveCall call, long leaseId, Duration ttl, Duration trustFor, Clock clock, Instant grantSentAt,
            DoubleSupplier jitter) {
        this.jitter = Objects.requireNonNull(jitter, "jitter");
        this.call = Objects.requireNonNull(call, "call");
        if (leaseId == 0) {
            throw new IllegalArgumentException("lease id 0 is not a lease");
        }
        if (trustFor.isNegative() || trustFor.isZero() || trustFor.compareTo(ttl) > 0) {
            throw new IllegalArgumentException("trustFor must be positive and at most the TTL " + ttl + ": " + trustFor);
        }
        this.leaseId = leaseId;
        this.trustFor = trustFor;
        this.clock = Objects.requireNonNull(clock, "clock");
        Duration quarter = trustFor.dividedBy(4);
        Duration third = ttl.dividedBy(3);
        this.period = max(Duration.ofMillis(100), quarter.compareTo(third) <= 0 ? quarter : third);
        this.callTimeout = period.multipliedBy(2);
        this.renewedFrom = Objects.requireNonNull(grantSentAt, "grantSentAt");
        this.validUntil = grantSentAt.plus(trustFor);
    }

    public long leaseId() {
        return leaseId;
    }

    /** How often a keep-alive is sent. */
    public Duration period() {
        return period;
    }

    /** How long one call may take before it counts as unanswered: two periods. */
    public Duration callTimeout() {
        return callTimeout;
    }

    /**
     * True when {@link #period()} has passed since the last {@link #send()}; a quarter of it after a call that
     * failed: a member without a leader (during an election, or cut off) refuses at once, and the next call, to
     * another member or after the election, must not wait a whole period; and half of it while the last call is
     * still unanswered. A healthy member answers in milliseconds, so a call that has waited half a period is
     * probably stuck on a member that cannot answer (cut off from its peers, or forwarding to a leader that is
     * gone), and the next call, on the next member, should not wait for its timeout.
     */
    public boolean due(Instant now) {
        if (lastSent.equals(Instant.MIN)) {
            return true;
        }
        Duration wait = lastFailed ? nextWait.dividedBy(4) : nextWait;
        if (!lastAnswered && wait.compareTo(nextWait.dividedBy(2)) > 0) {
            wait = nextWait.dividedBy(2);
        }
        return !now.isBefore(lastSent.plus(wait));
    }

    /** Sends one keep-alive now. The future never fails: errors and timeouts become a {@link Renewal}. */
    public CompletableFuture<Renewal> send() {
        Instant sentAt = clock.instant();
        lastSent = sentAt;
        lastAnswered = false;
        nextWait = Duration.ofNanos((long) (period.toNanos() * jitter.getAsDouble()));
        CompletableFuture<Long> answer;
        try {
            answer = call.renew(leaseId);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.orTimeout(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((ttl, error) -> classify(sentAt, ttl, error));
    }

    /** Takes an answer into account; answers of other leases, and older answers than the newest, change nothing. */
    public void record(Renewal renewal) {
        if (renewal.leaseId() != leaseId) {
            return;
        }
        if (renewal.sentAt().equals(lastSent)) {
            lastFailed = renewal.outcome() != Outcome.RENEWED;
            lastAnswered = true;
        }
        if (renewal.outcome() != Outcome.RENEWED) {
            return;
        }
        Duration granted = Duration.ofSeconds(renewal.ttlSeconds());
        Instant until = renewal.sentAt().plus(granted.compareTo(trustFor) < 0 ? granted : trustFor);
        if (until.isAfter(validUntil)) {
            validUntil = until;
        }
        if (renewal.sentAt().isAfter(renewedFrom)) {
            renewedFrom = renewal.sentAt();
        }
    }

    /** The moment, on the holder's clock, from which the lease must be treated as lost. */
    public Instant validUntil() {
        return validUntil;
    }

    public boolean expired(Instant now) {
        return !now.isBefore(validUntil);
    }

    /** Time since the newest renewal known to have been processed could have happened (its send time). */
    public Duration silence(Instant now) {
        Duration silence = Duration.between(renewedFrom, now);
        return silence.isNegative() ? Duration.ZERO : silence;
    }

    private Renewal classify(Instant sentAt, Long ttl, Throwable error) {
        if (error == null) {
            return ttl != null && ttl > 0
                    ? new Renewal(leaseId, sentAt, Outcome.RENEWED, ttl, "renewed for " + ttl + " s")
                    : new Renewal(leaseId, sentAt, Outcome.GONE, 0, "lease expired or revoked in etcd");
        }
        Throwable cause = unwrap(error);
        if (isClientClosed(cause)) {
            return new Renewal(leaseId, sentAt, Outcome.CLIENT_CLOSED, 0, "etcd client closed");
        }
        if (cause instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND
                || String.valueOf(cause.getMessage()).contains("lease not found")) {
            return new Renewal(leaseId, sentAt, Outcome.GONE, 0, "lease expired or revoked in etcd");
        }
        String detail = cause instanceof TimeoutException
                ? "no answer within " + callTimeout.toMillis() + " ms"
                : cause.toString();
        return new Renewal(leaseId, sentAt, Outcome.NO_ANSWER, 0, detail);
    }

    /**
     * jetcd's own calls report a closed client as {@link ClosedClientException}; a keep-alive, which goes to the
     * gRPC channel directly, as UNAVAILABLE "Channel shutdown invoked" (gRPC's status for a channel shut down).
     */
    static boolean isClientClosed(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ClosedClientException) {
                return true;
            }
            Status status = Status.fromThrowable(t);
            if (status.getCode() == Status.Code.UNAVAILABLE && status.getDescription() != null
                    && status.getDescription().startsWith("Channel shutdown")) {
                return true;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public String toString() {
        return "LeaseKeeper{" + Long.toHexString(leaseId) + ", valid until " + validUntil + "}";
    }
}
