package dtable.clustertest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-scenario figures of a run, written after every scenario to
 * {@code cluster-tests/target/cluster-tests/scenarios.md} (a Markdown table ready for docs/reliability.md)
 * so a run that fails half-way still leaves the rows it got.
 *
 * <p>Thread-safe (synchronized); scenarios run one after another anyway.
 */
final class ScenarioTable {

    private final Path file;
    private final List<ScenarioResult> results = new ArrayList<>();
    private final List<String> extraLines = new ArrayList<>();

    ScenarioTable(Path file) {
        this.file = file;
    }

    static ScenarioTable inTarget(String fileName) {
        return new ScenarioTable(Path.of("target", "cluster-tests", fileName));
    }

    synchronized void add(ScenarioResult result) {
        results.add(result);
        write();
    }

    /** A free-form line under the table (soak heap samples). */
    synchronized void addLine(String line) {
        extraLines.add(line);
        write();
    }

    /** Every client-visible error of a scenario, one per line, next to the table ({@code <scenario>-errors.txt}). */
    synchronized void writeErrors(String scenario, List<History.ClientError> errors) {
        StringBuilder text = new StringBuilder();
        errors.stream().sorted(java.util.Comparator.comparingLong(History.ClientError::at)).forEach(e -> text
                .append(Instant.ofEpochMilli(e.at())).append(' ').append(e.kind()).append(" base=").append(e.base())
                .append(" client=").append(e.client()).append(" took=").append(e.tookMillis()).append("ms payload=")
                .append(e.payload()).append(" detail=").append(e.detail() == null ? "" : e.detail().replace('\n', ' '))
                .append('\n'));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file.resolveSibling(scenario.replaceAll("[^A-Za-z0-9#._-]", "_") + "-errors.txt"), text,
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized List<ScenarioResult> results() {
        return List.copyOf(results);
    }

    private void write() {
        StringBuilder text = new StringBuilder("Run of ").append(Instant.now()).append("\n\n")
                .append(ScenarioResult.markdownHeader()).append('\n');
        results.forEach(r -> text.append(r.markdownRow()).append('\n'));
        text.append('\n');
        results.forEach(r -> text.append("    ").append(r.line()).append('\n'));
        if (!extraLines.isEmpty()) {
            text.append('\n');
            extraLines.forEach(l -> text.append("    ").append(l).append('\n'));
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
