package dtable.monitor.generation;

/** The election guard refused a write of the generation key: this monitor is no longer the leader. */
public final class GuardRefusedException extends RuntimeException {

    public GuardRefusedException(String what) {
        super("guarded write of " + what + " refused: deposed");
    }
}
