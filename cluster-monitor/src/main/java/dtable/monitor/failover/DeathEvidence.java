package dtable.monitor.failover;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The decision of fast failover (SPEC §10), without I/O or threads: given one round of probe results for
 * every registered node, which nodes are proven dead. The rules, all of which must hold:
 *
 * <ol>
 *   <li><b>Only refusals count.</b> {@link ProbeResult#REFUSED} twice in a row ({@value #REFUSALS_REQUIRED}
 *       rounds, at least {@code minSpacing} apart on the injected clock). A {@link ProbeResult#NO_ANSWER}
 *       (timeout, partition) breaks the series and is never evidence: slowness never moves a bucket.</li>
 *   <li><b>Armed by an accept.</b> A node's refusals count only after this monitor saw the same
 *       {@code local_node_url} accept a connection since it (re-)appeared; a node that registers before its
 *       port listens, or whose URL is wrong, is left to its lease.</li>
 *   <li><b>Someone else answers.</b> Evidence is acted on only in a round where another node accepted: when
 *       every node refuses at once, the fault is more likely on the prober's side (its own network
 *       namespace, a firewall rule) than a simultaneous death, and the leases decide.</li>
 *   <li><b>Once per registration.</b> After {@link #acted(String)} the node is disarmed until it is seen
 *       accepting again (a node that was alive registers again under a new lease and re-arms).</li>
 * </ol>
 *
 * <p>Thread rules: not thread-safe; one probing thread owns it.
 */
public final class DeathEvidence {

    public static final int REFUSALS_REQUIRED = 2;

    private final Clock clock;
    private final Duration minSpacing;
    private final Map<String, Track> tracks = new HashMap<>();

    /** @param minSpacing the least time between two refusals that count (a burst of rounds proves nothing more) */
    public DeathEvidence(Clock clock, Duration minSpacing) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.minSpacing = Objects.requireNonNull(minSpacing, "minSpacing");
    }

    /** One node's probe in a round. */
    public record Probe(String localNodeUrl, ProbeResult result) {
        public Probe {
            Objects.requireNonNull(localNodeUrl, "localNodeUrl");
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * @param dead     nodes proven dead in this round: revoke their leases
     * @param heldBack nodes with two refusals whose death was not acted on because no other node accepted
     */
    public record Verdict(List<String> dead, List<String> heldBack) {
        public static final Verdict NONE = new Verdict(List.of(), List.of());
    }

    /**
     * Takes one round: every registered node with the result of its probe. Nodes missing from the round are
     * forgotten (they deregistered; a node that comes back must be seen accepting first).
     */
    public Verdict round(Map<String, Probe> probes) {
        Instant now = clock.instant();
        tracks.keySet().retainAll(probes.keySet());
        List<String> refusedEnough = new ArrayList<>();
        boolean anyAccepted = false;
        for (Map.Entry<String, Probe> entry : new java.util.TreeMap<>(probes).entrySet()) {
            Probe probe = entry.getValue();
            Track track = tracks.get(entry.getKey());
            if (track == null || !track.url.equals(probe.localNodeUrl())) {
                track = new Track(probe.localNodeUrl());
                tracks.put(entry.getKey(), track);
            }
            track.record(probe.result(), now, minSpacing);
            anyAccepted |= probe.result() == ProbeResult.ACCEPTED;
            if (track.armed && track.refusals >= REFUSALS_REQUIRED) {
                refusedEnough.add(entry.getKey());
            }
        }
        if (refusedEnough.isEmpty()) {
            return Verdict.NONE;
        }
        return anyAccepted ? new Verdict(List.copyOf(refusedEnough), List.of()) : new Verdict(List.of(), List.copyOf(refusedEnough));
    }

    /** The leader acted on the node's death (or found it gone): disarm until it is seen accepting again. */
    public void acted(String nodeId) {
        Track track = tracks.get(nodeId);
        if (track != null) {
            track.armed = false;
            track.refusals = 0;
        }
    }

    /** Forget everything (this monitor stopped leading; a new term starts from fresh observations). */
    public void reset() {
        tracks.clear();
    }

    /** True when the node's refusals would count (seen accepting since it appeared). For tests and logs. */
    public boolean isArmed(String nodeId) {
        Track track = tracks.get(nodeId);
        return track != null && track.armed;
    }

    /** One node's series. */
    private static final class Track {
        final String url;
        boolean armed;
        int refusals;
        Instant lastRefusal = Instant.MIN;

        Track(String url) {
            this.url = url;
        }

        void record(ProbeResult result, Instant now, Duration minSpacing) {
            switch (result) {
                case ACCEPTED -> {
                    armed = true;
                    refusals = 0;
                }
                case NO_ANSWER -> refusals = 0;
                case REFUSED -> {
                    if (!armed) {
                        return;
                    }
                    if (refusals == 0 || !now.isBefore(lastRefusal.plus(minSpacing))) {
                        refusals++;
                        lastRefusal = now;
                    }
                }
            }
        }
    }
}
