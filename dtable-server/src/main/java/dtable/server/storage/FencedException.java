package dtable.server.storage;

/**
 * This node no longer holds the ownership epoch of a base: another node loaded it with a newer
 * assignment. Nothing of the failed append was committed; the base must be dropped from memory.
 */
public class FencedException extends RuntimeException {

    public FencedException(String dtableUuid, long epoch) {
        super("fenced: base " + dtableUuid + " is no longer owned at epoch " + epoch);
    }
}
