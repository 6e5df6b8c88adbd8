package dtable.monitor.election;

import java.util.EnumSet;
import java.util.Set;

/**
 * The role of one monitor in the election, with its legal successors.
 *
 * <pre>
 *   FOLLOWER ──campaign──► CANDIDATE ──elected──► LEADER
 *      ▲                      │                     │
 *      └──── lease lost / campaign failed ◄─────────┘ (lease lost, guarded write refused, resign)
 *   any ──close──► CLOSED (terminal)
 * </pre>
 */
public enum MonitorRole {
    /** Not campaigning: just started, or stepped down and about to campaign again. */
    FOLLOWER,
    /** Holds a lease and has a campaign in flight; waits behind the current leader. */
    CANDIDATE,
    /** Won the election; its {@code LeaderGuard} guards every map write. */
    LEADER,
    /** Shut down; no more transitions. */
    CLOSED;

    /** The roles this role may move to. */
    public Set<MonitorRole> successors() {
        return switch (this) {
            case FOLLOWER -> EnumSet.of(CANDIDATE, CLOSED);
            case CANDIDATE -> EnumSet.of(LEADER, FOLLOWER, CLOSED);
            case LEADER -> EnumSet.of(FOLLOWER, CLOSED);
            case CLOSED -> EnumSet.noneOf(MonitorRole.class);
        };
    }

    public boolean canMoveTo(MonitorRole next) {
        return successors().contains(next);
    }

    /** Lower-case name used in JSON ({@code "role": "leader"}). */
    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
