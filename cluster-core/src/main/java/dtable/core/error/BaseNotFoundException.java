package dtable.core.error;

/**
 * No such base (never created, or deleted): {@code 404 dtable_not_found} on the node and the slave alike
 * ({@code dtable.web.ErrorAdvice}). Thrown often on a slave's cache misses, so it carries no stack trace.
 */
public final class BaseNotFoundException extends RuntimeException {

    public BaseNotFoundException(String uuid) {
        super("dtable " + uuid + " not found", null, false, false);
    }
}
