package dtable.server.base;

/** A base with this UUID exists (or existed: UUIDs are never reused). */
public class BaseExistsException extends RuntimeException {

    public BaseExistsException(String uuid) {
        super("dtable " + uuid + " already exists");
    }
}
