package dtable.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The page's own logic ({@code src/main/resources/static/js}) under node's test runner:
 * {@code src/test/js/*.test.mjs} (exactly-once across a lost connection, others' operations under pending
 * edits, rollback, ordering, inverses). Skipped when node is not installed (bin/test installs it).
 */
class PageScriptsTest {

    @Test
    void sessionAndModelTestsPassUnderNode() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/node")), "node is not installed (apt-get install -y nodejs)");
        Process node = new ProcessBuilder("node", "--test", "src/test/js/").redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(120, TimeUnit.SECONDS)).as("node finished").isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        assertThat(output).contains("# fail 0").doesNotContain("# pass 0");
    }
}
