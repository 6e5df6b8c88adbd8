package dtable.monitor.assignment;

/**
 * One bucket move as the cluster view shows it ({@code at} is an ISO-8601 instant).
 *
 * @param trigger what caused the decision: {@code membership}, {@code periodic}, {@code elected},
 *                {@code rebalance}, {@code drain}, or {@code observed} when a follower saw it in the watch
 */
public record MoveRecord(String bucket, String from, String to, String reason, String at, String trigger,
                         long revision) {
}
