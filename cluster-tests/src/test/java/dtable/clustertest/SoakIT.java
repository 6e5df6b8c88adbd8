package dtable.clustertest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Soak mode, off unless {@code -Dsoak.minutes=N} (N ≥ 1): loops over every scenario until N minutes have
 * passed, asserting after each what the fault suite asserts ({@link ScenarioAssertions}), and samples the heap of every service every 30 s (from
 * {@code /actuator/prometheus}), printing {@code HEAP …} lines and a first/last comparison, so a leak that
 * only shows after many failovers becomes visible. Run it alone:
 * {@code ./mvnw -B -pl cluster-tests verify -Dsoak.minutes=30 -Dtest=SoakIT}.
 */
@Tag("integration")
@Tag("soak")
@ExtendWith(ClusterExtension.class)
@EnabledIfSystemProperty(named = "soak.minutes", matches = "[1-9][0-9]*")
class SoakIT {

    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(30);

    @Test
    void loopsEveryScenarioAndWatchesTheHeap(ClusterApi api) {
        Duration length = Duration.ofMinutes(Long.getLong("soak.minutes"));
        ScenarioTable table = ScenarioTable.inTarget("soak.md");
        ScenarioRunner runner = new ScenarioRunner(api, table);
        List<Map<String, Long>> samples = new ArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("heap-sampler").daemon(true).factory());
        Instant start = Instant.now();
        sampler.scheduleAtFixedRate(() -> sample(api, table, samples, start), 0, SAMPLE_EVERY.toSeconds(), TimeUnit.SECONDS);
        int round = 0;
        try {
            while (Duration.between(start, Instant.now()).compareTo(length) < 0) {
                round++;
                for (Scenarios.Scenario scenario : Scenarios.all()) {
                    if (Duration.between(start, Instant.now()).compareTo(length) >= 0) {
                        break;
                    }
                    ScenarioAssertions.runAndCheck(runner, scenario, scenario.name() + "#" + round);
                }
            }
        } finally {
            sampler.shutdownNow();
        }
        synchronized (samples) {
            if (samples.size() >= 2) {
                Map<String, Long> first = samples.get(0);
                Map<String, Long> last = samples.get(samples.size() - 1);
                first.keySet().forEach(service -> table.addLine(String.format(Locale.ROOT,
                        "HEAP %s first=%d MiB last=%d MiB", service, first.get(service) >> 20,
                        last.getOrDefault(service, -1L) >> 20)));
            }
        }
        table.results().forEach(r -> System.out.println(r.line()));
    }

    private static void sample(ClusterApi api, ScenarioTable table, List<Map<String, Long>> samples, Instant start) {
        Map<String, Long> heap = new LinkedHashMap<>();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "HEAP t=%ds",
                Duration.between(start, Instant.now()).toSeconds()));
        api.serviceUrls().forEach((service, url) -> {
            OptionalLong bytes = api.heapBytes(url);
            bytes.ifPresent(b -> heap.put(service, b));
            line.append(' ').append(service).append('=').append(bytes.isPresent() ? (bytes.getAsLong() >> 20) + "MiB" : "n/a");
        });
        synchronized (samples) {
            samples.add(heap);
        }
        System.out.println(line);
        table.addLine(line.toString());
    }
}
