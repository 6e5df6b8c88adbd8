package dtable.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import dtable.monitor.election.MonitorRole;
import org.springframework.stereotype.Component;

/**
 * Prometheus metrics of the monitor: whether it leads ({@code dtable_monitor_leader}), its term, the
 * map revision it sees, the number of live nodes, and leadership transitions
 * ({@code dtable_monitor_leadership_changes_total}).
 */
@Component
class MonitorMetrics implements MeterBinder {

    private final ClusterMonitor monitor;

    MonitorMetrics(ClusterMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("dtable.monitor.leader", monitor, m -> m.leadership().role() == MonitorRole.LEADER ? 1 : 0)
                .description("1 while this monitor leads").register(registry);
        Gauge.builder("dtable.monitor.term", monitor, m -> m.leadership().term())
                .description("times this monitor became leader").register(registry);
        Gauge.builder("dtable.monitor.map.revision", monitor, m -> m.snapshot().revision())
                .description("etcd revision of the cluster snapshot").register(registry);
        Gauge.builder("dtable.monitor.nodes.live", monitor, m -> m.snapshot().nodes().size())
                .description("registered dtable-server nodes").register(registry);
        Counter changes = Counter.builder("dtable.monitor.leadership.changes")
                .description("role transitions of this monitor").register(registry);
        monitor.leadership().addListener(change -> changes.increment());
    }
}
