package dtable.slave;

import static dtable.slave.SlaveFixture.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.core.cluster.EtcdKeys;
import dtable.core.token.Permission;
import dtable.core.token.TokenService;
import dtable.model.Base;
import dtable.model.Row;
import dtable.model.rest.RestViews;
import dtable.slave.api.ReadOnlyFilter;
import dtable.testsupport.Teardown;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The slave alone against MariaDB holding what an owner wrote (played by {@link FakeOwner} with the
 * real model and dtable-server's own schema): answers, freshness, read levels, refusal of writes,
 * tokens, restart, the LRU bound, etcd registration.
 */
@Tag("integration")
class SlaveReadsIT {

    @RegisterExtension
    static final SlaveFixture fixture = SlaveFixture.onEtcdAndMariaDb();

    private static final String NODE = "slave-it";

    private static FakeOwner owner;
    private static SlaveFixture.Slave slave;

    @BeforeAll
    static void setUp() throws Exception {
        owner = new FakeOwner(fixture.mariadb().jdbcUrl(), fixture.mariadb().user(), fixture.mariadb().password());
        owner.createSchema();
        slave = fixture.start(NODE, 100_000);
    }

    @AfterAll
    static void tearDown() throws Exception {
        Teardown.closeAll(slave, owner);
    }

    private static String url(String path) {
        return slave.url() + path;
    }

    @Test
    void readsMatchTheOwnersAnswer() throws Exception {
        BaseUuid uuid = owner.create(30);
        for (int i = 0; i < 5; i++) {
            owner.appendRow(uuid, "appended-" + i);
        }
        Base model = owner.model(uuid);
        String token = fixture.readToken(uuid);

        for (String path : List.of("/dtables/" + uuid, "/dtables/" + uuid.compact() + "/", "/api/v1/dtables/" + uuid + "/")) {
            HttpResponse<String> whole = fixture.get(url(path), token);
            assertThat(whole.statusCode()).as(path).isEqualTo(200);
            assertThat(whole.body()).as(path).isEqualTo(model.toJson());
            assertThat(whole.headers().firstValue("X-Dtable-Node")).hasValue(NODE);
            assertThat(whole.headers().firstValue("X-Dtable-Version")).hasValue("5");
            assertThat(whole.headers().firstValue("X-Dtable-Read-Level")).hasValue("default");
        }
        assertThat(fixture.get(url("/api/v1/dtables/" + uuid + "/metadata/"), token).body())
                .isEqualTo(JSON.writeValueAsString(RestViews.metadata(model)));
        assertThat(fixture.get(url("/api/v1/dtables/" + uuid + "/rows/?table_name=Table1&start=3&limit=7"), token).body())
                .isEqualTo(JSON.writeValueAsString(RestViews.rows(model, "Table1", 3, 7)));
        assertThat(fixture.get(url("/api/v1/dtables/" + uuid + "/rows/?table_id=0000"), token).body())
                .isEqualTo(JSON.writeValueAsString(RestViews.rows(model, "Table1", 0, 1000)));
        Row row = model.tableByName("Table1").row(31);
        assertThat(fixture.get(url("/api/v1/dtables/" + uuid + "/rows/" + row.id() + "/?table_name=Table1"), token).body())
                .isEqualTo(JSON.writeValueAsString(RestViews.row(model, "Table1", row.id())));

        assertError(fixture.get(url("/api/v1/dtables/" + uuid + "/rows/?table_name=Nope"), token), 404, "table_not_found");
        assertError(fixture.get(url("/api/v1/dtables/" + uuid + "/rows/zzzzzzzzzzzzzzzzzzzzzz/?table_name=Table1"), token),
                404, "row_not_found");
        assertError(fixture.get(url("/api/v1/dtables/" + uuid + "/rows/?table_name=Table1&limit=1001"), token), 400,
                "over_limit");
        assertError(fixture.get(url("/api/v1/dtables/" + uuid + "/rows/"), token), 400, "invalid_parameter");
        assertError(fixture.get(url("/dtables/not-a-uuid"), token), 400, "invalid_dtable_uuid");
        assertError(fixture.get(url("/dtables/" + uuid + "?level=eventual"), token), 400, "invalid_parameter");
    }

    @Test
    void theWholeBaseIsGzippedForClientsThatAskAndStaysFresh() throws Exception {
        BaseUuid uuid = owner.create(40);
        String token = fixture.readToken(uuid);

        HttpResponse<byte[]> zipped = fixture.getGzip(url("/dtables/" + uuid), token);
        assertThat(zipped.statusCode()).isEqualTo(200);
        assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(zipped.headers().firstValue("Vary")).hasValue("Accept-Encoding");
        assertThat(zipped.headers().firstValue("X-Dtable-Version")).hasValue("0");
        assertThat(SlaveFixture.gunzip(zipped.body())).isEqualTo(owner.model(uuid).toJson());
        assertThat(zipped.body().length).isLessThan(owner.model(uuid).toJson().length() / 3);

        owner.appendRow(uuid, "after-the-gzip");
        HttpResponse<byte[]> again = fixture.getGzip(url("/dtables/" + uuid), token);
        assertThat(again.headers().firstValue("X-Dtable-Version")).hasValue("1");
        assertThat(SlaveFixture.gunzip(again.body())).isEqualTo(owner.model(uuid).toJson()).contains("after-the-gzip");

        HttpResponse<String> plain = fixture.get(url("/dtables/" + uuid), token);
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(plain.body()).isEqualTo(owner.model(uuid).toJson());
    }

    @Test
    void aWriteAcknowledgedByTheOwnerIsVisibleToTheVeryNextDefaultRead() throws Exception {
        BaseUuid uuid = owner.create(3);
        String token = fixture.readToken(uuid);
        fixture.get(url("/dtables/" + uuid), token); // cached from here on
        for (int i = 0; i < 20; i++) {
            long version = owner.appendRow(uuid, "fresh-" + i);
            HttpResponse<String> rows = fixture.get(url("/api/v1/dtables/" + uuid + "/rows/?table_name=Table1"), token);
            assertThat(rows.headers().firstValue("X-Dtable-Version")).hasValue(Long.toString(version));
            assertThat(json(rows).path("rows")).hasSize(4 + i);
            assertThat(rows.body()).contains("fresh-" + i);
        }
    }

    @Test
    void staleAnswersFromMemoryWithoutCatchingUpAndSaysItsVersion() throws Exception {
        BaseUuid uuid = owner.create(3);
        String token = fixture.readToken(uuid);
        long before = owner.appendRow(uuid, "seen");
        assertThat(fixture.get(url("/dtables/" + uuid), token).headers().firstValue("X-Dtable-Version"))
                .hasValue(Long.toString(before));
        owner.appendRow(uuid, "not-yet");

        HttpResponse<String> stale = fixture.get(url("/api/v1/dtables/" + uuid + "/rows/?table_name=Table1&level=stale"), token);
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.headers().firstValue("X-Dtable-Read-Level")).hasValue("stale");
        assertThat(stale.headers().firstValue("X-Dtable-Version")).hasValue(Long.toString(before));
        assertThat(stale.body()).contains("seen").doesNotContain("not-yet");

        HttpResponse<String> fresh = fixture.get(url("/api/v1/dtables/" + uuid + "/rows/?table_name=Table1&level=default"), token);
        assertThat(fresh.headers().firstValue("X-Dtable-Version")).hasValue(Long.toString(before + 1));
        assertThat(fresh.body()).contains("not-yet");

        // a stale read of a base not cached yet loads it (at its newest version)
        BaseUuid other = owner.create(2);
        long otherVersion = owner.appendRow(other, "x");
        HttpResponse<String> cold = fixture.get(url("/dtables/" + other + "?level=stale"), fixture.readToken(other));
        assertThat(cold.headers().firstValue("X-Dtable-Version")).hasValue(Long.toString(otherVersion));
    }

    @Test
    void everyWriteVerbIsRefusedAndNothingChangesInMysql() throws Exception {
        BaseUuid uuid = owner.create(3);
        String token = fixture.writeToken(uuid);
        String rowId = owner.model(uuid).tableByName("Table1").row(0).id();
        fixture.get(url("/dtables/" + uuid), token);
        String before = owner.contentChecksum();

        String body = "{\"table_name\":\"Table1\",\"row\":{\"Name\":\"w\"},\"row_id\":\"" + rowId + "\"}";
        List<String> paths = List.of("/dtables/" + uuid, "/api/v1/dtables/" + uuid + "/", "/api/v1/dtables/" + uuid + "/rows/",
                "/api/v1/dtables/" + uuid + "/rows/" + rowId + "/", "/api/v1/dtables/" + uuid + "/metadata/",
                "/api/v1/dtables/" + uuid + "/batch-append-rows/", "/api/v1/dtables/" + uuid + "/columns/",
                "/api/v1/dtables/" + uuid + "/operations/");
        for (String path : paths) {
            for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
                HttpResponse<String> refused = fixture.send(method, url(path), token, body);
                assertThat(refused.statusCode()).as(method + " " + path).isEqualTo(405);
                assertThat(json(refused).path("error_type").asString()).isEqualTo("read_only");
                assertThat(json(refused).path("error_msg").asString()).isEqualTo(ReadOnlyFilter.MESSAGE);
                assertThat(refused.headers().firstValue("X-Dtable-Node")).hasValue(NODE);
            }
        }
        assertThat(owner.contentChecksum()).isEqualTo(before);
        assertThat(fixture.get(url("/dtables/" + uuid), token).body()).isEqualTo(owner.model(uuid).toJson());

        // and MySQL itself refuses a write on the slave's connections
        DataSource slaveConnections = slave.bean(DataSource.class);
        try (Connection c = slaveConnections.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("UPDATE dtables SET row_count = 0 WHERE dtable_uuid = '"
                    + uuid.value() + "'")).isInstanceOf(SQLException.class).hasMessageContaining("read-only");
        }
        assertThat(owner.contentChecksum()).isEqualTo(before);
    }

    @Test
    void tokensAreCheckedLikeTheOwner() throws Exception {
        BaseUuid uuid = owner.create(3);
        BaseUuid other = owner.create(1);
        String path = url("/api/v1/dtables/" + uuid + "/metadata/");

        assertError(fixture.get(path, null), 401, "token_invalid");
        assertError(fixture.get(path, "not.a.jwt"), 401, "token_invalid");
        TokenService otherKey = new TokenService("another-private-key-0123456789abcdef0123456789", Clock.systemUTC());
        assertError(fixture.get(path, otherKey.mintBase(uuid, "eve", Permission.READ_WRITE, Duration.ofHours(1))), 401,
                "token_invalid");
        TokenService past = new TokenService(SlaveFixture.PRIVATE_KEY, Clock.offset(Clock.systemUTC(), Duration.ofHours(-2)));
        assertError(fixture.get(path, past.mintBase(uuid, "old", Permission.READ, Duration.ofHours(1))), 401, "token_invalid");
        assertError(fixture.get(path, fixture.readToken(other)), 403, "permission_denied");
        assertError(fixture.get(url("/dtables/" + uuid), fixture.writeToken(other)), 403, "permission_denied");

        assertThat(fixture.get(path, fixture.readToken(uuid)).statusCode()).isEqualTo(200);
        assertThat(fixture.get(path, fixture.writeToken(uuid)).statusCode()).isEqualTo(200);
        assertThat(fixture.get(path, fixture.internalToken()).statusCode()).isEqualTo(200);
        assertError(fixture.get(url("/api/v1/slave/cache/"), fixture.readToken(uuid)), 403, "permission_denied");
    }

    @Test
    void aPurgedLogIsBridgedByReloadingTheSnapshotAndDeletedBasesAreGone() throws Exception {
        BaseUuid uuid = owner.create(5);
        String token = fixture.readToken(uuid);
        fixture.get(url("/dtables/" + uuid), token);
        owner.appendRow(uuid, "a");
        owner.appendRow(uuid, "b");
        owner.snapshotAndPurge(uuid);
        long version = owner.appendRow(uuid, "c");

        HttpResponse<String> read = fixture.get(url("/dtables/" + uuid), token);
        assertThat(read.headers().firstValue("X-Dtable-Version")).hasValue(Long.toString(version));
        assertThat(read.body()).isEqualTo(owner.model(uuid).toJson());

        owner.delete(uuid);
        assertError(fixture.get(url("/dtables/" + uuid), token), 404, "dtable_not_found");
        BaseUuid never = BaseUuid.parse("0123456789abcdef0123456789abcdef");
        assertError(fixture.get(url("/dtables/" + never), fixture.readToken(never)), 404, "dtable_not_found");
    }

    @Test
    void registersItselfInEtcdWithALease() throws Exception {
        String key = EtcdKeys.defaults().slave(NODE);
        try (Client etcd = Client.builder().endpoints(fixture.etcdEndpoints().toArray(String[]::new)).build()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !etcd.getKVClient()
                    .get(ByteSequence.from(key, StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS).getKvs().isEmpty());
            var kv = etcd.getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS)
                    .getKvs().getFirst();
            assertThat(kv.getLease()).isNotZero();
            JsonNode value = JSON.readTree(kv.getValue().toString(StandardCharsets.UTF_8));
            assertThat(value.path("node_id").asString()).isEqualTo(NODE);
            assertThat(value.path("local_node_url").asString()).isEqualTo(slave.url() + "/");
        }
    }

    @Test
    void aRestartedSlaveReloadsAndStillServesFreshReads() throws Exception {
        BaseUuid uuid = owner.create(8);
        String token = fixture.readToken(uuid);
        int port = dtable.testsupport.Ports.free();
        try (SlaveFixture.Slave first = fixture.start("slave-restart", port, 100_000)) {
            assertThat(fixture.get(first.url() + "/dtables/" + uuid, token).statusCode()).isEqualTo(200);
        }
        long version = owner.appendRow(uuid, "while-down");
        try (SlaveFixture.Slave second = fixture.start("slave-restart", port, 100_000)) {
            HttpResponse<String> stale = fixture.get(second.url() + "/dtables/" + uuid + "?level=stale", token);
            assertThat(stale.headers().firstValue("X-Dtable-Version")).hasValue(Long.toString(version));
            long next = owner.appendRow(uuid, "after-restart");
            HttpResponse<String> fresh = fixture.get(second.url() + "/dtables/" + uuid, token);
            assertThat(fresh.headers().firstValue("X-Dtable-Version")).hasValue(Long.toString(next));
            assertThat(fresh.body()).isEqualTo(owner.model(uuid).toJson());
        }
    }

    @Test
    void theCacheKeepsItsTotalRowsWithinMaxCachedRows() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<BaseUuid> bases = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            bases.add(owner.create(300 + random.nextInt(600)));
        }
        BaseUuid huge = owner.create(2500);
        String internal = fixture.internalToken();
        try (SlaveFixture.Slave small = fixture.start("slave-lru", 2000)) {
            for (int read = 0; read < 40; read++) {
                BaseUuid uuid = read % 13 == 12 ? huge : bases.get(random.nextInt(bases.size()));
                HttpResponse<String> rows = fixture.get(small.url() + "/api/v1/dtables/" + uuid
                        + "/rows/?table_name=Table1&limit=1000", internal);
                assertThat(rows.statusCode()).isEqualTo(200);
                assertThat(json(rows).path("rows").size()).isEqualTo(Math.min(1000, owner.model(uuid).rowCount()));
                JsonNode cache = json(fixture.get(small.url() + "/api/v1/slave/cache/", internal));
                long sum = 0;
                for (JsonNode base : cache.path("bases")) {
                    sum += base.path("rows").asLong();
                }
                assertThat(cache.path("cached_rows").asLong()).as("seed %d, read %d", seed, read)
                        .isLessThanOrEqualTo(2000).isEqualTo(sum);
                assertThat(cache.path("max_cached_rows").asLong()).isEqualTo(2000);
                assertThat(cache.toString()).doesNotContain(huge.value());
            }
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private static void assertError(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.path("error_type").asString()).isEqualTo(type);
        assertThat(body.path("error_msg").asString()).isNotBlank();
        assertThat(response.headers().firstValue("X-Dtable-Node")).hasValue(NODE);
    }
}
