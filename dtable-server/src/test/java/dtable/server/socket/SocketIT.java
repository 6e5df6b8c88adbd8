package dtable.server.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.BaseUuid;
import dtable.core.token.Permission;
import dtable.core.token.TokenService;
import dtable.server.ServerFixture;
import dtable.server.api.NodeUnderTest;
import dtable.server.api.NodeUnderTest.Answer;
import dtable.server.api.NodeUnderTest.BaseSnapshot;
import dtable.server.socket.SocketProbe.Frame;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The real-time socket of SPEC §8 with real WebSocket clients: joining, token checks, acks after
 * durability, broadcast in version order without gaps (also under concurrent writers and joins),
 * errors that change nothing, reconnect + {@code sync}, and REST writes reaching sockets.
 */
@Tag("integration")
@ParameterizedClass(name = "the write port's socket: {0}")
@ValueSource(booleans = {false, true})
class SocketIT {

    static final int MAX_REQUEST_BYTES = 262_144;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final NodeUnderTest node = NodeUnderTest.serving("socket", "\"max_request_bytes\": " + MAX_REQUEST_BYTES);

    @Parameter
    boolean socketsOnWritePort;

    @BeforeParameterizedClassInvocation
    static void socketsOn(boolean writePort) {
        node.socketsOnWritePort(writePort);
    }

    /** A run meant for the write port's socket that opened none there would prove nothing about it. */
    @AfterParameterizedClassInvocation
    static void socketsWentWhereTheRunSays(boolean writePort) {
        assertThat(node.writePortSockets() > 0).as("sockets opened on the write port").isEqualTo(writePort);
    }

    private static SocketProbe connect(BaseUuid uuid, String token) {
        return SocketProbe.connect(node.socketUrl(uuid, token));
    }

    private static String insertRow(String name) {
        return "{\"op_type\":\"insert_row\",\"table_id\":\"0000\",\"row_data\":{\"0000\":\"" + name + "\"}}";
    }

    private static Answer restAppend(BaseUuid uuid, String name) {
        Answer answer = node.send("POST", "/api/v1/dtables/" + uuid + "/rows/", node.readWrite(uuid),
                "{\"table_name\":\"Table1\",\"row\":{\"Name\":\"" + name + "\"}}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer;
    }

    private static List<Long> range(long fromInclusive, long toInclusive) {
        return LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
    }

    @Test
    void joinedCarriesTheBaseAndItsVersion() {
        BaseUuid uuid = node.createBase(null);
        restAppend(uuid, "a");
        restAppend(uuid, "b");
        try (SocketProbe socket = connect(uuid, node.readOnly(uuid))) {
            Frame joined = socket.joined();
            assertThat(joined.data().path("dtable_uuid").asString()).isEqualTo(uuid.value());
            assertThat(joined.data().path("version").asLong()).isEqualTo(2);
        }
    }

    @Test
    void badTokensClose4401() throws Exception {
        BaseUuid uuid = node.createBase(null);
        String expired = new TokenService(ServerFixture.PRIVATE_KEY,
                Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC))
                .mintBase(uuid, "alice", Permission.READ_WRITE, Duration.ofHours(1));
        String otherKey = new TokenService("another-key-0123456789abcdef0123456789abcdef", Clock.systemUTC())
                .mintBase(uuid, "mallory", Permission.READ_WRITE, Duration.ofHours(1));
        for (String bad : new String[] {null, "garbage", expired, otherKey}) {
            try (SocketProbe socket = connect(uuid, bad)) {
                assertThat(socket.closeCode(WAIT)).as("token %s", bad).isEqualTo(CloseCodes.TOKEN);
                assertThat(socket.frames()).isEmpty();
            }
        }
    }

    @Test
    void aTokenForAnotherBaseCloses4403() throws Exception {
        BaseUuid uuid = node.createBase(null);
        BaseUuid other = BaseUuid.parse(UUID.randomUUID().toString());
        try (SocketProbe socket = connect(uuid, node.readWrite(other))) {
            assertThat(socket.closeCode(WAIT)).isEqualTo(CloseCodes.PERMISSION);
            assertThat(socket.frames()).isEmpty();
        }
    }

    @Test
    void aMissingBaseCloses4404AndABadUuid4400() throws Exception {
        BaseUuid missing = BaseUuid.parse(UUID.randomUUID().toString());
        try (SocketProbe socket = connect(missing, node.readWrite(missing))) {
            assertThat(socket.closeCode(WAIT)).isEqualTo(CloseCodes.NOT_FOUND);
        }
        try (SocketProbe socket = SocketProbe.connect(node.socketUrl(missing, node.internalToken())
                .replace(missing.value(), "not-a-uuid"))) {
            assertThat(socket.closeCode(WAIT)).isEqualTo(CloseCodes.BAD_REQUEST);
        }
    }

    @Test
    void anUpdateIsAckedOnceDurableAndBroadcastToTheOthers() throws Exception {
        BaseUuid uuid = node.createBase(null);
        try (SocketProbe author = connect(uuid, node.readWrite(uuid));
                SocketProbe other = connect(uuid, node.readOnly(uuid))) {
            author.joined();
            other.joined();
            author.update(7, insertRow("from-socket"));

            Frame ack = author.awaitEvent("ack");
            assertThat(ack.seq()).isEqualTo(7);
            assertThat(ack.version()).isEqualTo(1);
            // acknowledged means in MySQL: the log row is there the moment the ack arrives
            assertThat(loggedVersions(uuid)).containsExactly(1L);

            Frame update = other.awaitEvent("update-dtable");
            assertThat(update.version()).isEqualTo(1);
            assertThat(update.data().path("author").asString()).isEqualTo("alice@example.com");
            JsonNode operation = update.data().path("operation");
            assertThat(operation.path("op_type").asString()).isEqualTo("insert_row");
            assertThat(operation.path("row_data").path("0000").asString()).isEqualTo("from-socket");
            String rowId = operation.path("row_data").path("_id").asString();
            assertThat(rowId).matches("[A-Za-z0-9_-]{22}");
            assertThat(update.json().has("seq")).isFalse();
            // the author hears its own operation only as the ack
            assertThat(author.frames("update-dtable")).isEmpty();
            Answer row = node.send("GET", "/api/v1/dtables/" + uuid + "/rows/" + rowId + "/?table_name=Table1",
                    node.readOnly(uuid), null);
            assertThat(row.json().path("Name").asString()).isEqualTo("from-socket");
        }
    }

    @Test
    void concurrentWritersEachSeeAllOpsOfTheOtherInVersionOrderWithoutGaps() throws Exception {
        BaseUuid uuid = node.createBase(null);
        int perWriter = 150;
        try (SocketProbe a = connect(uuid, node.readWrite(uuid));
                SocketProbe b = connect(uuid, node.readWrite(uuid));
                SocketProbe watcher = connect(uuid, node.readOnly(uuid))) {
            a.joined();
            b.joined();
            watcher.joined();
            CompletableFuture<Void> writingA = CompletableFuture.runAsync(() -> {
                for (int i = 1; i <= perWriter; i++) {
                    a.update(i, insertRow("a-" + i));
                }
            });
            CompletableFuture<Void> writingB = CompletableFuture.runAsync(() -> {
                for (int i = 1; i <= perWriter; i++) {
                    b.update(i, insertRow("b-" + i));
                }
            });
            CompletableFuture.allOf(writingA, writingB).join();
            long total = 2L * perWriter;
            for (SocketProbe socket : List.of(a, b, watcher)) {
                socket.awaitVersion(total, WAIT);
                assertThat(socket.streamVersions()).as("versions in arrival order").isEqualTo(range(1, total));
                assertThat(socket.frames("error")).isEmpty();
            }
            assertOwnAcksAndOthersUpdates(a, "a-", "b-", perWriter);
            assertOwnAcksAndOthersUpdates(b, "b-", "a-", perWriter);
            assertThat(node.snapshot(uuid).version()).isEqualTo(total);
            assertThat(loggedVersions(uuid)).isEqualTo(range(1, total));
        }
    }

    private static void assertOwnAcksAndOthersUpdates(SocketProbe socket, String own, String other, int count) {
        assertThat(socket.frames("ack")).extracting(Frame::seq).isEqualTo(range(1, count));
        List<String> heard = socket.frames("update-dtable").stream()
                .map(f -> f.data().path("operation").path("row_data").path("0000").asString()).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            expected.add(other + i);
        }
        assertThat(heard).as("the other writer's rows, in its order").isEqualTo(expected);
        assertThat(heard).noneMatch(name -> name.startsWith(own));
    }

    @Test
    void anInvalidOperationGetsAnErrorWithItsSeqAndChangesNothing() {
        BaseUuid uuid = node.createBase(null);
        restAppend(uuid, "existing");
        BaseSnapshot before = node.snapshot(uuid);
        try (SocketProbe author = connect(uuid, node.readWrite(uuid));
                SocketProbe other = connect(uuid, node.readOnly(uuid))) {
            author.joined();
            other.joined();
            author.update(3, "{\"op_type\":\"insert_row\",\"table_id\":\"zzzz\",\"row_data\":{}}");
            author.update(4, "{\"op_type\":\"insert_row\",\"table_id\":\"0000\",\"row_data\":{\"0000\":42}}");
            author.update(5, "{\"op_type\":\"no_such_op\"}");
            author.send("update-dtable", 6L, SocketProbe.JSON.readTree("[1, 2]"));
            SocketProbe.waitAtMost(WAIT).until(() -> author.frames("error").size() == 4);
            List<Frame> errors = author.frames("error");
            assertThat(errors).extracting(Frame::seq).containsExactly(3L, 4L, 5L, 6L);
            assertThat(errors).extracting(f -> f.data().path("error_type").asString())
                    .containsExactly("table_not_found", "invalid_value", "invalid_operation", "invalid_operation");
            assertThat(errors).allSatisfy(f -> assertThat(f.data().path("error_msg").asString()).isNotBlank());
            node.assertUnchanged(uuid, before);

            // no version was used up: the next operation is the next version, for everyone
            author.update(8, insertRow("valid"));
            assertThat(author.awaitEvent("ack").version()).isEqualTo(before.version() + 1);
            assertThat(other.awaitEvent("update-dtable").version()).isEqualTo(before.version() + 1);
            assertThat(other.frames("update-dtable")).hasSize(1);
        }
    }

    @Test
    void aReadOnlyTokenMayListenButNotWrite() {
        BaseUuid uuid = node.createBase(null);
        BaseSnapshot before = node.snapshot(uuid);
        try (SocketProbe reader = connect(uuid, node.readOnly(uuid))) {
            reader.joined();
            reader.update(1, insertRow("sneaky"));
            Frame error = reader.awaitEvent("error");
            assertThat(error.seq()).isEqualTo(1);
            assertThat(error.data().path("error_type").asString()).isEqualTo("permission_denied");
            node.assertUnchanged(uuid, before);

            restAppend(uuid, "by-rest");
            assertThat(reader.awaitEvent("update-dtable").version()).isEqualTo(1);
        }
    }

    @Test
    void reconnectAndSyncFillExactlyTheMissedVersionsThenGoLive() {
        BaseUuid uuid = node.createBase(null);
        String token = node.readWrite(uuid);
        long seen;
        try (SocketProbe first = connect(uuid, token)) {
            first.joined();
            for (int i = 1; i <= 3; i++) {
                restAppend(uuid, "before-" + i);
            }
            first.awaitVersion(3, WAIT);
            seen = first.lastVersion();
        }
        List<String> missed = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            restAppend(uuid, "missed-" + i);
            missed.add("missed-" + i);
        }
        try (SocketProbe again = connect(uuid, token)) {
            assertThat(again.joined().version()).isEqualTo(7);
            again.sync(seen);
            again.awaitVersion(7, WAIT);
            assertThat(again.streamVersions()).isEqualTo(range(4, 7));
            assertThat(again.frames("update-dtable")).extracting(f -> f.data().path("operation").path("row_data")
                    .path("0000").asString()).isEqualTo(missed);
            // the replay is what the log says, author included
            JsonNode logged = node.send("GET", "/api/v1/dtables/" + uuid + "/operations/?from_version=3", token, null)
                    .json().path("operations");
            for (int i = 0; i < 4; i++) {
                Frame replayed = again.frames("update-dtable").get(i);
                assertThat(replayed.data().path("operation")).isEqualTo(logged.get(i).path("operation"));
                assertThat(replayed.data().path("author").asString()).isEqualTo(logged.get(i).path("author").asString());
            }
            restAppend(uuid, "live");
            again.awaitVersion(8, WAIT);
            assertThat(again.streamVersions()).isEqualTo(range(4, 8));

            // a sync may rewind further; the stream then continues without duplicates
            again.sync(6);
            again.awaitVersion(8, WAIT);
            SocketProbe.waitAtMost(WAIT).until(() -> again.streamVersions().size() == 7);
            restAppend(uuid, "after-rewind");
            again.awaitVersion(9, WAIT);
            assertThat(again.streamVersions()).isEqualTo(List.of(4L, 5L, 6L, 7L, 8L, 7L, 8L, 9L));
        }
    }

    @Test
    void syncRefusesAVersionAheadOfTheBase() {
        BaseUuid uuid = node.createBase(null);
        restAppend(uuid, "one");
        try (SocketProbe socket = connect(uuid, node.readOnly(uuid))) {
            socket.joined();
            socket.sync(5);
            Frame error = socket.awaitEvent("error");
            assertThat(error.data().path("error_type").asString()).isEqualTo("invalid_parameter");
            socket.send("sync", null, SocketProbe.JSON.createObjectNode());
            SocketProbe.waitAtMost(WAIT).until(() -> socket.frames("error").size() == 2);
            // still live afterwards
            restAppend(uuid, "two");
            assertThat(socket.awaitEvent("update-dtable").version()).isEqualTo(2);
        }
    }

    @Test
    void syncOverOperationsTheLogNoLongerHoldsCloses4410() throws Exception {
        BaseUuid uuid = node.createBase(null);
        for (int i = 1; i <= 5; i++) {
            restAppend(uuid, "r" + i);
        }
        // what retention does to old operations
        try (Connection db = node.database();
                PreparedStatement delete = db.prepareStatement(
                        "DELETE FROM operation_log WHERE dtable_uuid = ? AND op_version <= 2")) {
            delete.setString(1, uuid.value());
            assertThat(delete.executeUpdate()).isEqualTo(2);
        }
        try (SocketProbe socket = connect(uuid, node.readOnly(uuid))) {
            socket.joined();
            socket.sync(0);
            assertThat(socket.closeCode(WAIT)).isEqualTo(CloseCodes.RELOAD);
            assertThat(socket.frames("error")).singleElement()
                    .satisfies(f -> assertThat(f.data().path("error_type").asString()).isEqualTo("sync_unavailable"));
            assertThat(socket.frames("update-dtable")).isEmpty();
        }
        try (SocketProbe socket = connect(uuid, node.readOnly(uuid))) {
            socket.joined();
            socket.sync(2);
            socket.awaitVersion(5, WAIT);
            assertThat(socket.streamVersions()).isEqualTo(range(3, 5));
        }
    }

    @Test
    void deletingTheBaseTellsItsSocketsAndCloses4404() throws Exception {
        BaseUuid uuid = node.createBase(null);
        try (SocketProbe socket = connect(uuid, node.readOnly(uuid))) {
            socket.joined();
            Answer deleted = node.send("DELETE", "/api/v1/dtables/" + uuid + "/", node.internalToken(), null);
            assertThat(deleted.status()).as(deleted.body()).isIn(200, 204);

            Frame gone;
            try {
                gone = socket.awaitFrame(f -> f.event().equals("base-deleted"), WAIT);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no base-deleted frame; frames " + socket.frames().stream().map(Frame::event)
                        .toList() + ", closed " + socket.isClosed(), e);
            }
            assertThat(gone.data().path("dtable_uuid").asString()).isEqualTo(uuid.value());
            assertThat(socket.closeCode(WAIT)).isEqualTo(CloseCodes.NOT_FOUND);
            assertThat(socket.frames("base-moved")).isEmpty();
        }
        try (SocketProbe again = connect(uuid, node.readOnly(uuid))) {
            assertThat(again.closeCode(WAIT)).isEqualTo(CloseCodes.NOT_FOUND);
        }
    }

    @Test
    void restWritesReachSocketsWithTheirAuthor() {
        BaseUuid uuid = node.createBase(null);
        try (SocketProbe socket = connect(uuid, node.readOnly(uuid))) {
            socket.joined();
            Answer appended = restAppend(uuid, "via-rest");
            Frame update = socket.awaitEvent("update-dtable");
            assertThat(update.version()).isEqualTo(appended.version());
            assertThat(update.data().path("author").asString()).isEqualTo("alice@example.com");
            assertThat(update.data().path("operation").path("row_data").path("_id").asString())
                    .isEqualTo(appended.json().path("_id").asString());

            Answer column = node.send("POST", "/api/v1/dtables/" + uuid + "/columns/", node.internalToken(),
                    "{\"table_name\":\"Table1\",\"column_name\":\"Size\",\"column_type\":\"number\"}");
            assertThat(column.status()).isEqualTo(200);
            socket.awaitVersion(2, WAIT);
            Frame second = socket.frames("update-dtable").get(1);
            assertThat(second.data().path("operation").path("op_type").asString()).isEqualTo("insert_column");
            assertThat(second.data().path("author").asString()).isEqualTo("internal");
        }
    }

    @Test
    void clientsJoiningMidStreamMissNothing() throws Exception {
        BaseUuid uuid = node.createBase(null);
        int writes = 150;
        List<SocketProbe> sockets = new ArrayList<>();
        try {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int i = 1; i <= writes; i++) {
                    restAppend(uuid, "w" + i);
                }
            });
            while (!writer.isDone() && sockets.size() < 12) {
                sockets.add(connect(uuid, node.readOnly(uuid)));
                long version = node.snapshot(uuid).version();
                SocketProbe.waitAtMost(WAIT).until(() -> writer.isDone() || node.snapshot(uuid).version() >= version + 8);
            }
            writer.join();
            assertThat(sockets).hasSizeGreaterThan(3);
            for (SocketProbe socket : sockets) {
                long joined = socket.joined().version();
                socket.awaitCaughtUp(writes, WAIT);
                assertThat(socket.streamVersions()).as("joined at %d", joined).isEqualTo(range(joined + 1, writes));
            }
        } finally {
            sockets.forEach(SocketProbe::close);
        }
    }

    @Test
    void framesBeyondTheContainerBufferWorkAndFramesOverTheLimitClose1009() throws Exception {
        BaseUuid uuid = node.createBase(null);
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            rows.append(i == 0 ? "" : ",").append("{\"0000\":\"a fairly long row name number ").append(i).append("\"}");
        }
        String bigOperation = "{\"op_type\":\"insert_rows\",\"table_id\":\"0000\",\"row_datas\":[" + rows + "]}";
        assertThat(bigOperation.length()).isGreaterThan(16_384);
        try (SocketProbe author = connect(uuid, node.readWrite(uuid));
                SocketProbe other = connect(uuid, node.readOnly(uuid))) {
            author.joined();
            other.joined();
            author.update(1, bigOperation);
            assertThat(author.awaitEvent("ack").version()).isEqualTo(1);
            assertThat(other.awaitEvent("update-dtable").data().path("operation").path("row_datas")).hasSize(400);

            BaseSnapshot before = node.snapshot(uuid);
            author.update(2, "{\"op_type\":\"insert_row\",\"table_id\":\"0000\",\"row_data\":{\"0000\":\""
                    + "x".repeat(MAX_REQUEST_BYTES) + "\"}}");
            assertThat(author.closeCode(WAIT)).isEqualTo(1009);
            assertThat(author.frames("error")).singleElement().satisfies(
                    f -> assertThat(f.data().path("error_type").asString()).isEqualTo("request_too_large"));
            node.assertUnchanged(uuid, before);
            restAppend(uuid, "still-live");
            assertThat(other.awaitEvent("update-dtable").version()).isEqualTo(1);
            other.awaitVersion(2, WAIT);
        }
    }

    @Test
    void badFramesGetErrorsAndTheConnectionStays() {
        BaseUuid uuid = node.createBase(null);
        try (SocketProbe socket = connect(uuid, node.readWrite(uuid))) {
            socket.joined();
            socket.sendRaw("{not json");
            socket.sendRaw("[1, 2, 3]");
            socket.send("do-something", 9L, SocketProbe.JSON.createObjectNode());
            socket.send("ping", null, SocketProbe.JSON.createObjectNode());
            socket.awaitEvent("pong");
            SocketProbe.waitAtMost(WAIT).until(() -> socket.frames("error").size() == 3);
            List<Frame> errors = socket.frames("error");
            assertThat(errors).extracting(f -> f.data().path("error_type").asString())
                    .containsExactly("invalid_json", "invalid_json", "invalid_event");
            assertThat(errors.get(2).seq()).isEqualTo(9);
            socket.update(10, insertRow("fine"));
            assertThat(socket.awaitEvent("ack").version()).isEqualTo(1);
            assertThat(socket.isClosed()).isFalse();
        }
    }

    private static List<Long> loggedVersions(BaseUuid uuid) throws Exception {
        List<Long> versions = new ArrayList<>();
        try (Connection db = node.database();
                PreparedStatement query = db.prepareStatement(
                        "SELECT op_version FROM operation_log WHERE dtable_uuid = ? ORDER BY op_version")) {
            query.setString(1, uuid.value());
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    versions.add(rs.getLong(1));
                }
            }
        }
        return versions;
    }
}
