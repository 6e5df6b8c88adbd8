package dtable.monitor.assignment;

import com.fasterxml.jackson.annotation.JsonProperty;
/**
 * One bucket move as the cluster view shows it ({@code at} is an ISO-8601 instant).
 *
 * @param trigger what caused the decision: {@code membership}, {@code periodic}, {@code elected},
 *                {@code rebalance}, {@code drain}, or {@code observed} when a follower saw it in the watch
 */
public record MoveRecord(
        @JsonProperty("bucket") String bucket,
        @JsonProperty("from") String from,
        @JsonProperty("to") String to,
        @JsonProperty("reason") String reason,
        @JsonProperty("at") String at,
        @JsonProperty("trigger") String trigger,
        @JsonProperty("revision") long revision) {
}
