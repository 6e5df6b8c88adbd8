package dtable.monitor.assignment;

import dtable.core.assign.Mode;
import dtable.core.assign.Move;
import java.util.List;

/**
 * What one leader decision did.
 *
 * @param mode     the assignment mode that ran (null when nothing ran, e.g. not leader)
 * @param moves    the moves written (empty when nothing changed)
 * @param revision the etcd revision after the write, or the snapshot's revision when nothing was written
 */
public record Decision(Mode mode, List<Move> moves, long revision) {

    public Decision {
        moves = List.copyOf(moves);
    }

    public static Decision none(long revision) {
        return new Decision(null, List.of(), revision);
    }
}
