package dtable.server.base;

import java.util.EnumSet;
import java.util.Set;

/**
 * Lifecycle of a base in this node's memory. Only an {@link #ACTIVE} base takes operations.
 *
 * <pre>
 * INITIAL → LOADING → ACTIVE → UNLOADING → CLOSED
 *    └─────────┴─────────┴──────────┴──→ FAILED   (fenced, storage error, bad snapshot)
 * </pre>
 */
public enum BaseState {
    INITIAL, LOADING, ACTIVE, UNLOADING, CLOSED, FAILED;

    private Set<BaseState> next() {
        return switch (this) {
            case INITIAL -> EnumSet.of(LOADING, ACTIVE, FAILED);
            case LOADING -> EnumSet.of(ACTIVE, FAILED, CLOSED);
            case ACTIVE -> EnumSet.of(UNLOADING, CLOSED, FAILED);
            case UNLOADING -> EnumSet.of(CLOSED, FAILED);
            case CLOSED, FAILED -> EnumSet.noneOf(BaseState.class);
        };
    }

    public boolean canMoveTo(BaseState target) {
        return next().contains(target);
    }
}
