package dtable.slave.cache;

/** No such base in MySQL, or it was deleted. */
public final class BaseNotFoundException extends RuntimeException {

    public BaseNotFoundException(String uuid) {
        super("dtable " + uuid + " not found", null, false, false);
    }
}
