package dtable.clustertest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the clients of one scenario saw, as the checker needs it: every acknowledged write (base, version,
 * unique payload, the node that answered), every client-visible error with its time, and every operation
 * a socket client was told about by the server (base, version, payload) — a reader's view to compare with
 * the log (SPEC §5 S3: every reader sees the same op at the same version).
 *
 * <p>Times are milliseconds on a monotonic clock anchored to the wall clock at creation ({@link #now()}),
 * so gaps are exact and log lines can still be correlated with service logs.
 *
 * <p>Thread-safe: workers append concurrently; readers take copies after the load stopped.
 */
public final class History {

    /** An acknowledged write: HTTP 200 with {@code X-Dtable-Version}, or a socket {@code ack}. */
    public record Ack(String base, long version, String payload, String node, String client, long sentAt, long ackedAt) {
    }

    /**
     * A failure the client saw.
     *
     * @param kind    {@code http_503}, {@code io}, {@code timeout}, {@code socket_error}, {@code socket_closed}, ...
     * @param payload the payload of the write in flight, or null when none was (a failed connect)
     */
    public record ClientError(String base, String client, String payload, String kind, String detail, long at,
                              long tookMillis) {
    }

    /** A socket stream anomaly: a version received out of order or skipped. */
    public record StreamGap(String base, String client, long expected, long received, long at) {
    }

    private final long originNanos = System.nanoTime();
    private final long originMillis = System.currentTimeMillis();
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ClientError> errors = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<StreamGap> gaps = new ConcurrentLinkedQueue<>();
    /** base → version → payload a reader was told; first writer wins, a differing later one is a conflict. */
    private final Map<String, Map<Long, String>> observed = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> observationConflicts = new ConcurrentLinkedQueue<>();

    /** Monotonic milliseconds, close to epoch milliseconds. */
    public long now() {
        return originMillis + (System.nanoTime() - originNanos) / 1_000_000;
    }

    public void ack(Ack ack) {
        acks.add(ack);
    }

    public void error(ClientError error) {
        errors.add(error);
    }

    public void gap(StreamGap gap) {
        gaps.add(gap);
    }

    /** A reader learnt that {@code version} of {@code base} carries {@code payload}. */
    public void observed(String base, long version, String payload) {
        String before = observed.computeIfAbsent(base, b -> new ConcurrentHashMap<>()).putIfAbsent(version, payload);
        if (before != null && !before.equals(payload)) {
            observationConflicts.add(base + " v" + version + ": " + before + " vs " + payload);
        }
    }

    public List<Ack> acks() {
        return new ArrayList<>(acks);
    }

    public List<ClientError> errors() {
        return new ArrayList<>(errors);
    }

    public List<StreamGap> streamGaps() {
        return new ArrayList<>(gaps);
    }

    public Map<Long, String> observed(String base) {
        return Map.copyOf(observed.getOrDefault(base, Map.of()));
    }

    public List<String> observationConflicts() {
        return new ArrayList<>(observationConflicts);
    }
}
