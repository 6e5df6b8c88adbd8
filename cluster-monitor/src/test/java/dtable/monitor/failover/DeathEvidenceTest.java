package dtable.monitor.failover;

import static dtable.monitor.failover.ProbeResult.ACCEPTED;
import static dtable.monitor.failover.ProbeResult.NO_ANSWER;
import static dtable.monitor.failover.ProbeResult.REFUSED;
import static org.assertj.core.api.Assertions.assertThat;

import dtable.testsupport.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of {@link DeathEvidence}, round by round on a hand-driven clock. */
class DeathEvidenceTest {

    private static final Duration ROUND = Duration.ofMillis(300);

    private final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final DeathEvidence evidence = new DeathEvidence(clock, ROUND.dividedBy(2));

    @Test
    void twoRefusalsInARowAfterAnAcceptProveDeath() {
        assertThat(round(ACCEPTED, ACCEPTED).dead()).isEmpty();
        assertThat(round(REFUSED, ACCEPTED).dead()).isEmpty();
        assertThat(round(REFUSED, ACCEPTED).dead()).containsExactly("a");
    }

    @Test
    void aTimeoutIsNeverEvidenceAndBreaksTheSeries() {
        round(ACCEPTED, ACCEPTED);
        for (int i = 0; i < 20; i++) {
            assertThat(round(NO_ANSWER, ACCEPTED).dead()).isEmpty();
        }
        assertThat(round(REFUSED, ACCEPTED).dead()).isEmpty();
        assertThat(round(NO_ANSWER, ACCEPTED).dead()).isEmpty();
        assertThat(round(REFUSED, ACCEPTED).dead()).as("refused, timeout, refused is not two in a row").isEmpty();
        assertThat(round(REFUSED, ACCEPTED).dead()).containsExactly("a");
    }

    @Test
    void anAcceptInBetweenStartsTheCountAgain() {
        round(ACCEPTED, ACCEPTED);
        round(REFUSED, ACCEPTED);
        round(ACCEPTED, ACCEPTED);
        assertThat(round(REFUSED, ACCEPTED).dead()).isEmpty();
        assertThat(round(REFUSED, ACCEPTED).dead()).containsExactly("a");
    }

    @Test
    void aNodeNeverSeenAcceptingIsLeftToItsLease() {
        for (int i = 0; i < 10; i++) {
            assertThat(round(REFUSED, ACCEPTED).dead()).isEmpty();
        }
        assertThat(evidence.isArmed("a")).isFalse();
    }

    @Test
    void refusalsCloserThanTheSpacingCountOnce() {
        round(ACCEPTED, ACCEPTED);
        round(REFUSED, ACCEPTED);
        clock.advance(Duration.ofMillis(10));
        assertThat(evidence.round(probes(REFUSED, ACCEPTED)).dead()).as("a burst proves nothing more").isEmpty();
        clock.advance(ROUND);
        assertThat(evidence.round(probes(REFUSED, ACCEPTED)).dead()).containsExactly("a");
    }

    @Test
    void whenEveryNodeRefusesTheProberIsSuspectAndNothingHappens() {
        round(ACCEPTED, ACCEPTED);
        round(REFUSED, REFUSED);
        DeathEvidence.Verdict verdict = round(REFUSED, REFUSED);
        assertThat(verdict.dead()).isEmpty();
        assertThat(verdict.heldBack()).containsExactly("a", "b");
        // once another node answers again, the standing evidence against the other counts
        assertThat(round(REFUSED, ACCEPTED).dead()).containsExactly("a");
    }

    @Test
    void aSingleNodeIsNeverFailedOverFast() {
        evidence.round(Map.of("a", new DeathEvidence.Probe("http://a:1/", ACCEPTED)));
        for (int i = 0; i < 5; i++) {
            clock.advance(ROUND);
            assertThat(evidence.round(Map.of("a", new DeathEvidence.Probe("http://a:1/", REFUSED))).dead()).isEmpty();
        }
    }

    @Test
    void afterActingTheNodeIsDisarmedUntilItAcceptsAgain() {
        round(ACCEPTED, ACCEPTED);
        round(REFUSED, ACCEPTED);
        assertThat(round(REFUSED, ACCEPTED).dead()).containsExactly("a");
        evidence.acted("a");
        assertThat(round(REFUSED, ACCEPTED).dead()).isEmpty();
        assertThat(round(REFUSED, ACCEPTED).dead()).isEmpty();
        round(ACCEPTED, ACCEPTED);
        round(REFUSED, ACCEPTED);
        assertThat(round(REFUSED, ACCEPTED).dead()).containsExactly("a");
    }

    @Test
    void aNewUrlOrAReappearanceMustBeSeenAcceptingFirst() {
        round(ACCEPTED, ACCEPTED);
        // the node re-registered elsewhere: the old accept does not arm the new address
        Map<String, DeathEvidence.Probe> moved = new LinkedHashMap<>(probes(REFUSED, ACCEPTED));
        moved.put("a", new DeathEvidence.Probe("http://a-new:1/", REFUSED));
        for (int i = 0; i < 3; i++) {
            clock.advance(ROUND);
            assertThat(evidence.round(moved).dead()).isEmpty();
        }
        // gone from the round (deregistered), back again: forgotten
        round(ACCEPTED, ACCEPTED);
        clock.advance(ROUND);
        evidence.round(Map.of("b", new DeathEvidence.Probe("http://b:1/", ACCEPTED)));
        round(REFUSED, ACCEPTED);
        assertThat(round(REFUSED, ACCEPTED).dead()).isEmpty();
    }

    @Test
    void resetForgetsEverything() {
        round(ACCEPTED, ACCEPTED);
        round(REFUSED, ACCEPTED);
        evidence.reset();
        assertThat(round(REFUSED, ACCEPTED).dead()).isEmpty();
        assertThat(round(REFUSED, ACCEPTED).dead()).isEmpty();
    }

    private DeathEvidence.Verdict round(ProbeResult a, ProbeResult b) {
        clock.advance(ROUND);
        return evidence.round(probes(a, b));
    }

    private static Map<String, DeathEvidence.Probe> probes(ProbeResult a, ProbeResult b) {
        Map<String, DeathEvidence.Probe> probes = new LinkedHashMap<>();
        probes.put("a", new DeathEvidence.Probe("http://a:1/", a));
        probes.put("b", new DeathEvidence.Probe("http://b:1/", b));
        return probes;
    }
}
