package dtable.model;

/**
 * A base document (or an operation read back from the log) that cannot be turned into a
 * {@link Base}: malformed JSON, an unknown column type, a cell that does not fit its column, a
 * duplicate id. The message names the place (table, row, column) so an operator can find it.
 */
public class ModelException extends RuntimeException {

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
