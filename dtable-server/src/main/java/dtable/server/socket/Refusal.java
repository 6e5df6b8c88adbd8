package dtable.server.socket;

/**
 * Why {@link RoomSession#open} did not join the client to its base's room.
 *
 * @param nodeUrl the owner's node_url for {@link Reason#MOVED} when known, else null
 * @param ownerId the owner's node id for {@link Reason#MOVED} when known, else null
 */
public record Refusal(Reason reason, String message, String nodeUrl, String ownerId) {

    public enum Reason {
        /** Not a valid dtable_uuid. */
        BAD_UUID,
        /** Missing, bad or expired token. */
        TOKEN,
        /** The token does not grant this base. */
        PERMISSION,
        /** The base is served by another node. */
        MOVED,
        /** No such base. */
        NOT_FOUND,
        /** The base cannot be served now (loading failed, moving, storage down). */
        UNAVAILABLE,
        /** This connection is in a room already. */
        ALREADY_JOINED
    }

    static Refusal of(Reason reason, String message) {
        return new Refusal(reason, message, null, null);
    }
}
