package dtable.core.bucket;

/** A string that is not a base UUID in any accepted form. */
public final class InvalidBaseUuidException extends IllegalArgumentException {

    public InvalidBaseUuidException() {
        super("invalid dtable_uuid");
    }
}
