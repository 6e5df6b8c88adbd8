package dtable.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * S2 under attack: writes are acknowledged while the node process is killed with SIGKILL; after a
 * restart every acknowledged write is present and the base's versions are exactly 1..n.
 */
@Tag("integration")
class DurabilityIT {

    @RegisterExtension
    static final ServerFixture.OnEtcdAndMariaDb SERVERS = ServerFixture.onEtcdAndMariaDb();

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static ServerFixture fixture;

    @BeforeAll
    static void setUp() {
        fixture = SERVERS.get();
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillMinus9() throws Exception {
        ServerFixture.ProcessNode node = fixture.process("durable-1", "").start();
        fixture.assignAll("durable-1");
        BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
        String token = fixture.baseToken(uuid, dtable.core.token.Permission.READ_WRITE);
        await().atMost(Duration.ofSeconds(90)).until(() -> fixture.serves(node.url(), uuid.bucket()));
        assertThat(fixture.send("PUT", node.url() + "/api/v1/dtables/" + uuid + "/", token, null).statusCode())
                .isEqualTo(201);

        Map<String, Long> acked = new ConcurrentHashMap<>(); // row id -> version
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
        for (int w = 0; w < 16; w++) {
            int writer = w;
            writers.submit(() -> {
                for (int i = 0; !stop.get() && i < 10_000; i++) {
                    try {
                        HttpResponse<String> r = fixture.send("POST", node.url() + "/api/v1/dtables/" + uuid + "/rows/",
                                token, "{\"table_name\":\"Table1\",\"row\":{\"Name\":\"w" + writer + "-" + i + "\"}}");
                        if (r.statusCode() == 200) {
                            JsonNode row = JSON.readTree(r.body());
                            long version = Long.parseLong(r.headers().firstValue("X-Dtable-Version").orElseThrow());
                            acked.put(row.path("_id").asString(), version);
                        }
                    } catch (RuntimeException e) {
                        // connection refused once the node is dead: not acknowledged
                    }
                }
            });
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= 300);
        node.kill9();
        stop.set(true);
        writers.shutdown();
        assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        int ackedBeforeKill = acked.size();
        assertThat(ackedBeforeKill).isGreaterThanOrEqualTo(300);

        node.start();
        await().atMost(Duration.ofSeconds(90)).until(() -> fixture.serves(node.url(), uuid.bucket()));

        // versions are exactly 1..n
        HttpResponse<String> ops = fixture.send("GET", node.url() + "/api/v1/dtables/" + uuid
                + "/operations/?from_version=0&limit=10000", token, null);
        assertThat(ops.statusCode()).as(ops.body()).isEqualTo(200);
        JsonNode list = JSON.readTree(ops.body()).path("operations");
        for (int i = 0; i < list.size(); i++) {
            assertThat(list.get(i).path("version").asLong()).isEqualTo(i + 1);
        }
        // every acknowledged row is there, at the version it was acknowledged with
        Set<String> present = ConcurrentHashMap.newKeySet();
        for (int start = 0; ; start += 1000) {
            HttpResponse<String> rows = fixture.send("GET", node.url() + "/api/v1/dtables/" + uuid
                    + "/rows/?table_name=Table1&start=" + start + "&limit=1000", token, null);
            assertThat(rows.statusCode()).isEqualTo(200);
            JsonNode page = JSON.readTree(rows.body()).path("rows");
            page.forEach(row -> present.add(row.path("_id").asString()));
            if (page.size() < 1000) {
                break;
            }
        }
        assertThat(present).containsAll(acked.keySet());
        for (var entry : acked.entrySet()) {
            JsonNode op = list.get((int) (entry.getValue() - 1)).path("operation");
            assertThat(op.path("row_data").path("_id").asString()).isEqualTo(entry.getKey());
        }
    }
}
