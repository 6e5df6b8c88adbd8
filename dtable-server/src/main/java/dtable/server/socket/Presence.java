package dtable.server.socket;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is in each base's room, by user. SeaTable's client shows the collaborators of a base by user
 * ({@code join-room(username)}, {@code leave-room(username)}), so only a user's <em>first</em> socket
 * joining and <em>last</em> socket leaving are news. Announcing every socket to every other member
 * costs the square of the room: 100 sockets of one user joining one base sent 4,950 frames, and a
 * room of 1,000 half a million. With one announcement per user, a room costs its members times its users.
 *
 * <p>Thread rules: thread-safe. The count and the announcement happen under the base's entry lock, so
 * a user's join and leave announcements reach every member in the order the counts changed.
 */
public final class Presence {

    private final Map<String, Map<String, Integer>> byBase = new ConcurrentHashMap<>();

    /** Counts a socket of {@code username} into the room of {@code dtableUuid}; runs {@code announce} if it is the user's first. */
    void join(String dtableUuid, String username, Runnable announce) {
        byBase.compute(dtableUuid, (uuid, users) -> {
            Map<String, Integer> counts = users == null ? new HashMap<>() : users;
            if (counts.merge(username, 1, Integer::sum) == 1) {
                announce.run();
            }
            return counts;
        });
    }

    /** Counts a socket of {@code username} out; runs {@code announce} if it was the user's last. */
    void leave(String dtableUuid, String username, Runnable announce) {
        byBase.computeIfPresent(dtableUuid, (uuid, counts) -> {
            Integer sockets = counts.get(username);
            if (sockets == null) {
                return counts;
            }
            if (sockets > 1) {
                counts.put(username, sockets - 1);
                return counts;
            }
            counts.remove(username);
            announce.run();
            return counts.isEmpty() ? null : counts;
        });
    }

    /** The sockets of {@code username} counted in the room of {@code dtableUuid} (tests). */
    int sockets(String dtableUuid, String username) {
        Map<String, Integer> counts = byBase.get(dtableUuid);
        return counts == null ? 0 : counts.getOrDefault(username, 0);
    }
}
