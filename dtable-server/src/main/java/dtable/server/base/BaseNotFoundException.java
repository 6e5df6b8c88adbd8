package dtable.server.base;

/** No such base (never created, or deleted). */
public class BaseNotFoundException extends RuntimeException {

    public BaseNotFoundException(String uuid) {
        super("dtable " + uuid + " not found");
    }
}
