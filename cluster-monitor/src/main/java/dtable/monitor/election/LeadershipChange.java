package dtable.monitor.election;

import java.time.Instant;

/**
 * One role transition of a monitor, kept for the log and the cluster view.
 *
 * @param term the leadership term the transition belongs to (incremented on every entry into LEADER)
 */
public record LeadershipChange(Instant at, MonitorRole from, MonitorRole to, long term, String reason) {
}
