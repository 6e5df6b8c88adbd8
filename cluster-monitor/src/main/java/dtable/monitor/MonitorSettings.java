package dtable.monitor;

import java.time.Duration;

/**
 * The monitor's tunables, taken from {@code cluster_monitor_config.json} ({@code MonitorConfig}) at start-up.
 *
 * @param electionLeaseTtl     {@code election_lease_ttl_seconds}: how long a silent leader keeps leading
 * @param checkInterval        {@code check_interval_seconds}: the periodic MAINTAIN
 * @param autoRebalance        {@code auto_rebalance}: REBALANCE when a node joins (default false, as SeaTable)
 * @param maxMovesPerRebalance {@code max_moves_per_rebalance}: 0 = unlimited
 */
public record MonitorSettings(String monitorId, String monitorUrl, Duration electionLeaseTtl, Duration checkInterval,
                              boolean autoRebalance, int maxMovesPerRebalance) {
}
