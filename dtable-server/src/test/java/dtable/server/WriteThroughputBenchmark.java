package dtable.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dtable.core.bucket.BaseUuid;
import dtable.testsupport.EtcdExtension;
import dtable.testsupport.MariaDbExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Benchmark, not a timed test: durable single-row appends through HTTP (wrk, 64 connections) against
 * one node, and mariadb-slap single-row autocommit INSERTs at the same concurrency against the same
 * MariaDB, in the same run. Runs only with {@code -Dbench=true}; {@code -Dbench.bases=N} spreads the
 * clients over N bases, {@code -Dbench.seconds=S} sets the duration, {@code -Dbench.warmup=S} the warm-up
 * (default 40 s: a fresh JVM needs 30-45 s of this load before the JIT has settled; with 5 s the run
 * measured the compiler, 0.21x, while the same code warmed up reached 0.5x).
 */
@Tag("benchmark")
class WriteThroughputBenchmark {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.members(1);
    @RegisterExtension
    static final MariaDbExtension MARIADB = MariaDbExtension.create();

    @Test
    void durableWritesVersusRawInserts() throws Exception {
        assumeTrue(Boolean.getBoolean("bench"), "benchmark: run with -Dbench=true");
        int connections = Integer.getInteger("bench.connections", 64);
        int seconds = Integer.getInteger("bench.seconds", 15);
        int bases = Integer.getInteger("bench.bases", 1);
        int warmup = Integer.getInteger("bench.warmup", 40);
        try (ServerFixture fixture = ServerFixture.on(ETCD, MARIADB)) {
            ServerFixture.InProcessNode node = fixture.startInProcess("bench-1", "");
            fixture.assignAll("bench-1");
            String token = fixture.internalToken();
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < bases; i++) {
                BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
                await().atMost(Duration.ofSeconds(30)).until(() -> fixture.serves(node.url(), uuid.bucket()));
                assertThat(fixture.send("PUT", node.url() + "/api/v1/dtables/" + uuid + "/", token, null).statusCode())
                        .isEqualTo(201);
                urls.add(node.url() + "/api/v1/dtables/" + uuid + "/rows/");
            }
            Path lua = Files.createTempFile("post", ".lua");
            Files.writeString(lua, "local urls = {\"" + String.join("\",\"", urls) + "\"}\n" + """
                    local counter = 0
                    request = function()
                      counter = counter + 1
                      local body = '{"table_name":"Table1","row":{"Name":"bench-' .. counter .. '"}}'
                      return wrk.format("POST", urls[(counter % #urls) + 1], {["Content-Type"]="application/json",
                        ["Authorization"]="Token TOKEN"}, body)
                    end
                    """.replace("TOKEN", token));
            // warm-up, then the measured run
            run("wrk", "-t" + Math.min(2, connections), "-c" + connections, "-d" + warmup + "s", "-s", lua.toString(),
                    node.url());
            String wrk = run("wrk", "-t" + Math.min(2, connections), "-c" + connections, "-d" + seconds + "s", "--latency", "-s", lua.toString(),
                    node.url());
            double httpRate = number(wrk, "Requests/sec:\\s+([0-9.]+)");

            MARIADB.server().execute(MARIADB.database(), "CREATE TABLE slap (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                    + " b VARCHAR(64), v LONGTEXT) ENGINE=InnoDB");
            // about 5 s of inserts: a 1 s burst (400 per connection) varied 23,500-28,000/s between runs
            int queries = connections * Integer.getInteger("bench.slap.per.connection", 2000);
            String slap = run("mariadb-slap", "-h127.0.0.1", "-P" + MARIADB.port(), "-u" + MARIADB.user(),
                    "-p" + MARIADB.password(), "--create-schema=" + MARIADB.database(), "--concurrency=" + connections,
                    "--number-of-queries=" + queries, "--iterations=1", "--query=INSERT INTO slap (b, v) VALUES"
                            + " ('bench', '{\"op_type\":\"insert_row\",\"table_id\":\"0000\",\"row_data\":{\"0000\":\"x\"}}')");
            double slapSeconds = number(slap, "Average number of seconds to run all queries: ([0-9.]+)");
            double rawRate = queries / slapSeconds;
            System.out.println(wrk);
            System.out.println(slap);
            System.out.printf("BENCH write-throughput connections=%d bases=%d http_durable_writes_per_s=%.0f"
                    + " raw_inserts_per_s=%.0f ratio=%.2f%n", connections, bases, httpRate, rawRate, httpRate / rawRate);
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
