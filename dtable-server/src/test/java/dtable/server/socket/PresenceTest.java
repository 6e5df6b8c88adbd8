package dtable.server.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.core.token.Permission;
import dtable.core.token.TokenService;
import dtable.model.Base;
import dtable.server.ServerFixture;
import dtable.server.base.CoreNode;
import dtable.server.socket.SocketClientTest.RecordingTransport;
import dtable.server.storage.MemoryBaseStorage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Room presence ({@code join-room}/{@code leave-room}) on the session level, counted in frames: a user's
 * first socket joining and last socket leaving are announced to the other members, nothing else. Before,
 * every socket's join and leave went to every other member (a room of n sockets cost n² frames).
 */
class PresenceTest {

    private final CoreNode node = new CoreNode("node-a", new MemoryBaseStorage(), Clock.systemUTC());
    private final TokenService tokens = new TokenService(ServerFixture.PRIVATE_KEY, Clock.systemUTC());
    private final RoomSession.Rooms rooms = new RoomSession.Rooms(node.registry, (uuid, after, limit) -> List.of(),
            tokens, 4096, 1_000_000);
    private final BaseUuid base = BaseUuid.parse(UUID.randomUUID().toString());
    private final List<Member> members = new ArrayList<>();

    private record Member(RoomSession session, RecordingTransport transport) {
        List<String> presence() {
            return transport.calls.stream().filter(c -> c.startsWith("join-room") || c.startsWith("leave-room")).toList();
        }

        long presenceFrames() {
            return presence().size();
        }
    }

    PresenceTest() {
        node.believeOwner(base.bucket(), 10);
        node.registry.create(base, Base.withDefaultTable());
    }

    @AfterEach
    void leaveAll() {
        members.forEach(m -> m.session().leave());
    }

    @Test
    void onlyAUsersFirstJoinAndLastLeaveAreAnnounced() {
        Member alice1 = join("alice");
        Member alice2 = join("alice");
        Member bob1 = join("bob");
        Member bob2 = join("bob");
        awaitFrames(alice1, "join-room bob");
        awaitFrames(alice2, "join-room bob");

        bob1.session().leave();
        bob2.session().leave();
        awaitFrames(alice1, "join-room bob", "leave-room bob");
        awaitFrames(alice2, "join-room bob", "leave-room bob");

        alice2.session().leave();
        Member carol = join("carol");
        awaitFrames(alice1, "join-room bob", "leave-room bob", "join-room carol");
        alice1.session().leave();
        awaitFrames(carol, "leave-room alice");
        // alice joined before carol: carol was never told of her, only of her last leave
        assertThat(bob1.presenceFrames() + bob2.presenceFrames())
                .as("bob's second socket joined while bob was present: nobody was told, not even bob's first socket")
                .isZero();
        assertThat(rooms.presence().sockets(base.value(), "alice")).isZero();
        assertThat(rooms.presence().sockets(base.value(), "carol")).isEqualTo(1);
    }

    @Test
    void aRoomOfManySocketsCostsFramesInItsUsersNotItsSocketsSquared() {
        int perUser = 100;
        for (int i = 0; i < perUser; i++) {
            join("load-a");
        }
        for (int i = 0; i < perUser; i++) {
            join("load-b");
        }
        // load-b's first join is told to the 100 sockets of load-a; nothing else
        await().atMost(Duration.ofSeconds(20)).until(() -> totalPresenceFrames() == perUser);
        for (int i = 0; i < perUser; i++) {
            members.get(i).session().leave();
        }
        // load-a's last socket leaves while load-b is there: its 100 sockets are told
        await().atMost(Duration.ofSeconds(20)).until(() -> totalPresenceFrames() == 2 * perUser);
        for (int i = perUser; i < 2 * perUser; i++) {
            members.get(i).session().leave();
        }
        assertThat(totalPresenceFrames()).as("every join and leave to every other member would be %d", 2 * 200 * 199)
                .isEqualTo(2 * perUser);
    }

    private long totalPresenceFrames() {
        return members.stream().mapToLong(Member::presenceFrames).sum();
    }

    private Member join(String username) {
        RecordingTransport transport = new RecordingTransport();
        RoomSession session = new RoomSession(rooms, transport);
        String token = tokens.mintBase(base, username, Permission.READ_WRITE, Duration.ofHours(1));
        assertThat(session.open(base.value(), token)).isEmpty();
        Member member = new Member(session, transport);
        members.add(member);
        return member;
    }

    /** The member's presence frames are exactly {@code expected}, in order (after the sender delivered them). */
    private static void awaitFrames(Member member, String... expected) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(member.presence()).containsExactly(expected));
    }
}
