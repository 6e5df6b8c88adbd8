package dtable.clustertest;

import dtable.core.bucket.BaseUuid;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The checker: reads {@code operation_log} and {@code dtables} straight from MariaDB (JDBC, the dev
 * cluster's user) and holds them against what the clients saw ({@link History}) and against SPEC §5:
 *
 * <ul>
 *   <li><b>S2</b> every acknowledged write is in the log at its version with its payload ({@code lost});
 *   <li><b>S3</b> each base's versions are exactly 1..n ({@code gaps}); no payload is logged twice
 *       ({@code dup}: an op applied twice); two clients acknowledged at one version got the same op
 *       ({@code conflicting_acks}); what socket readers were told matches the log ({@code observed_mismatch},
 *       {@code stream_gaps}); the owner's and the slave's copy of each base equal the log ({@code reader_mismatch});
 *   <li><b>S1</b> along each base's log the committing {@code owner_epoch} never decreases and no epoch was
 *       used by two nodes (audited over every base in the database); optionally, a paused node committed
 *       nothing after it was resumed ({@code zombie_commits}).
 *   <li><b>Retry safety</b> (SPEC §9): a write answered "not applied" (503, 307, a socket error frame) is not
 *       in the log ({@code applied_despite_refusal}) — otherwise the retry the answer invites applies it twice.
 * </ul>
 *
 * <p>Stateless; call after the load has stopped.
 */
final class LogAudit {

    private record Row(long version, String payload, long epoch, String node) {
    }

    /** A node that was paused and the per-base log height when it was resumed. */
    record Zombie(String node, Map<String, Long> versionsAtResume) {
    }

    private final DevCluster cluster;
    private final ClusterApi api;

    LogAudit(ClusterApi api) {
        this.api = api;
        this.cluster = api.cluster();
    }

    AuditReport audit(History history, List<BaseUuid> bases, Zombie zombie) {
        AuditReport.Builder report = new AuditReport.Builder();
        try (Connection c = connect()) {
            Map<String, List<History.Ack>> acksByBase = new HashMap<>();
            for (History.Ack ack : history.acks()) {
                acksByBase.computeIfAbsent(ack.base(), b -> new ArrayList<>()).add(ack);
            }
            Map<String, List<History.ClientError>> failedWrites = new HashMap<>();
            for (History.ClientError error : history.errors()) {
                if (error.payload() != null) {
                    failedWrites.computeIfAbsent(error.base(), b -> new ArrayList<>()).add(error);
                }
            }
            for (BaseUuid base : bases) {
                List<Row> log = readLog(c, base.value());
                checkBase(report, base, log, acksByBase.getOrDefault(base.value(), List.of()), history);
                checkFailedWrites(report, base, log, failedWrites.getOrDefault(base.value(), List.of()));
                if (zombie != null) {
                    long mark = zombie.versionsAtResume().getOrDefault(base.value(), Long.MAX_VALUE);
                    log.stream().filter(r -> r.node().equals(zombie.node()) && r.version() > mark).forEach(r ->
                            report.problem("zombie_commits", base + " v" + r.version() + " committed by paused node "
                                    + r.node() + " after it resumed (epoch " + r.epoch() + ")"));
                }
                checkReaders(report, base, log);
            }
            auditEpochs(report, c);
        } catch (SQLException e) {
            throw new IllegalStateException("checker cannot read MariaDB: " + e.getMessage(), e);
        }
        history.streamGaps().forEach(g -> report.problem("stream_gaps", g.base() + " client " + g.client()
                + " expected v" + g.expected() + " got v" + g.received()));
        history.observationConflicts().forEach(c -> report.problem("observed_mismatch", "readers disagree: " + c));
        report.acked(history.acks().size());
        return report.build();
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(cluster.jdbcUrl(), cluster.mysqlUser(), cluster.mysqlPassword());
    }

    private static List<Row> readLog(Connection c, String base) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT op_version, operation, owner_epoch, node_id"
                + " FROM operation_log WHERE dtable_uuid = ? ORDER BY op_version")) {
            ps.setString(1, base);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), Payloads.find(ClusterApi.JSON.readTree(rs.getString(2))), rs.getLong(3),
                            rs.getString(4)));
                }
            }
        }
        return rows;
    }

    private static void checkBase(AuditReport.Builder report, BaseUuid base, List<Row> log, List<History.Ack> acks,
            History history) {
        Map<Long, Row> byVersion = new HashMap<>();
        for (int i = 0; i < log.size(); i++) {
            Row row = log.get(i);
            byVersion.put(row.version(), row);
            if (row.version() != i + 1) {
                report.problem("gaps", base + ": log position " + (i + 1) + " holds v" + row.version());
                break;
            }
        }
        Map<String, Integer> payloadCount = new HashMap<>();
        for (Row row : log) {
            if (row.payload() != null && payloadCount.merge(row.payload(), 1, Integer::sum) == 2) {
                report.problem("dup", base + ": payload " + row.payload() + " logged more than once");
            }
        }
        Map<Long, String> ackedAt = new HashMap<>();
        for (History.Ack ack : acks) {
            Row row = byVersion.get(ack.version());
            if (row == null || !ack.payload().equals(row.payload())) {
                report.problem("lost", base + ": acked " + ack.payload() + " at v" + ack.version() + " by " + ack.node()
                        + " but the log has " + (row == null ? "nothing" : row.payload() + " (node " + row.node() + ")"));
            } else if (DevCluster.NODES.contains(ack.node()) && !ack.node().equals(row.node())) {
                report.problem("ack_node_mismatch", base + " v" + ack.version() + ": acked by " + ack.node()
                        + ", committed by " + row.node());
            }
            String before = ackedAt.putIfAbsent(ack.version(), ack.payload());
            if (before != null && !before.equals(ack.payload())) {
                report.problem("conflicting_acks", base + " v" + ack.version() + ": acked as " + before + " and "
                        + ack.payload());
            }
        }
        for (Map.Entry<Long, String> seen : history.observed(base.value()).entrySet()) {
            Row row = byVersion.get(seen.getKey());
            if (row == null || !seen.getValue().equals(row.payload())) {
                report.problem("observed_mismatch", base + " v" + seen.getKey() + ": a socket reader was sent "
                        + seen.getValue() + ", the log has " + (row == null ? "nothing" : row.payload()));
            }
        }
        report.logged(log.size());
    }

    /**
     * An answer that says "not applied" — HTTP 503 or 307 (SPEC §7/§9: safe to retry) or a socket
     * {@code error} frame for the write — must not have been applied: a client retrying it would apply it twice.
     * A socket {@code error} of type {@code outcome_unknown} is the socket's 504: it says the write may have
     * been applied, so it is not a refusal.
     */
    static boolean isRefusal(String kind) {
        return kind.equals("http_503") || kind.equals("http_307")
                || (kind.startsWith("socket_error_") && !kind.equals("socket_error_outcome_unknown"));
    }

    /**
     * Refusals must not be in the log; the other failed writes (timeouts, 502/504, closed sockets) may or
     * may not be — the report counts how many of those "unknown outcome" writes were in fact applied.
     */
    private static void checkFailedWrites(AuditReport.Builder report, BaseUuid base, List<Row> log,
            List<History.ClientError> failed) {
        Map<String, Row> logged = new HashMap<>();
        log.forEach(r -> logged.putIfAbsent(r.payload(), r));
        for (History.ClientError refusal : failed) {
            Row row = logged.get(refusal.payload());
            if (!isRefusal(refusal.kind())) {
                report.unknownOutcome(row != null);
            } else if (row != null) {
                report.problem("applied_despite_refusal", base + ": " + refusal.payload() + " was answered "
                        + refusal.kind() + " (\"not applied\") after " + refusal.tookMillis() + " ms, yet the log has it at v"
                        + row.version() + " (node " + row.node() + ", epoch " + row.epoch() + "): " + refusal.detail());
            }
        }
    }

    /** The owner (through the proxy) and the slave must each hold exactly the log: same version, same rows. */
    private void checkReaders(AuditReport.Builder report, BaseUuid base, List<Row> log) {
        Set<String> logged = new HashSet<>();
        log.forEach(r -> logged.add(r.payload()));
        long version = log.size();
        Map<String, String> readers = new LinkedHashMap<>();
        readers.put("owner via proxy", cluster.proxyUrl());
        readers.put("slave", cluster.slaveUrl());
        for (Map.Entry<String, String> reader : readers.entrySet()) {
            ClusterApi.Answer answer;
            try {
                answer = api.readBase(reader.getValue(), base, reader.getKey().equals("slave") ? "level=default" : null);
            } catch (RuntimeException e) {
                report.problem("reader_mismatch", base + ": " + reader.getKey() + " unreachable: " + e.getMessage());
                continue;
            }
            if (!answer.ok()) {
                report.problem("reader_mismatch", base + ": " + reader.getKey() + " answered " + answer);
                continue;
            }
            JsonNode doc = answer.json();
            Set<String> rows = new HashSet<>();
            for (JsonNode row : doc.path("tables").path(0).path("rows")) {
                rows.add(row.path("0000").asString(null));
            }
            if (doc.path("version").asLong(-1) != version || !rows.equals(logged)) {
                Set<String> missing = new HashSet<>(logged);
                missing.removeAll(rows);
                Set<String> extra = new HashSet<>(rows);
                extra.removeAll(logged);
                report.problem("reader_mismatch", base + ": " + reader.getKey() + " has version "
                        + doc.path("version").asLong(-1) + " and " + rows.size() + " rows; the log has v" + version
                        + "; missing " + sample(missing) + ", extra " + sample(extra));
            }
        }
    }

    /** S1 over every base in the database: epochs never decrease along a log, and one node per epoch. */
    private static void auditEpochs(AuditReport.Builder report, Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT dtable_uuid, op_version, owner_epoch, node_id"
                + " FROM operation_log ORDER BY dtable_uuid, op_version");
                ResultSet rs = ps.executeQuery()) {
            String base = null;
            long lastEpoch = 0;
            Map<Long, String> nodeOfEpoch = new HashMap<>();
            while (rs.next()) {
                String uuid = rs.getString(1);
                if (!uuid.equals(base)) {
                    base = uuid;
                    lastEpoch = 0;
                    nodeOfEpoch.clear();
                }
                long version = rs.getLong(2);
                long epoch = rs.getLong(3);
                String node = rs.getString(4);
                if (epoch < lastEpoch) {
                    report.problem("epoch_regressions", uuid + " v" + version + ": epoch " + epoch + " by " + node
                            + " after epoch " + lastEpoch);
                }
                lastEpoch = Math.max(lastEpoch, epoch);
                String first = nodeOfEpoch.putIfAbsent(epoch, node);
                if (first != null && !first.equals(node)) {
                    report.problem("shared_epochs", uuid + " v" + version + ": epoch " + epoch + " used by " + first
                            + " and " + node);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT d.dtable_uuid, d.owner_epoch, MAX(o.owner_epoch)"
                + " FROM dtables d JOIN operation_log o ON o.dtable_uuid = d.dtable_uuid"
                + " GROUP BY d.dtable_uuid, d.owner_epoch HAVING MAX(o.owner_epoch) > d.owner_epoch");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                report.problem("epoch_regressions", rs.getString(1) + ": dtables.owner_epoch " + rs.getLong(2)
                        + " is below a logged epoch " + rs.getLong(3));
            }
        }
    }

    /** Per-base log height now (for the zombie check). */
    Map<String, Long> versions(List<BaseUuid> bases) {
        Map<String, Long> versions = new HashMap<>();
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(op_version), 0) FROM operation_log"
                        + " WHERE dtable_uuid = ?")) {
            for (BaseUuid base : bases) {
                ps.setString(1, base.value());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    versions.put(base.value(), rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("checker cannot read MariaDB: " + e.getMessage(), e);
        }
        return versions;
    }

    private static String sample(Set<String> values) {
        List<String> list = new ArrayList<>(values);
        return list.size() <= 3 ? list.toString() : list.subList(0, 3) + " (+" + (list.size() - 3) + ")";
    }
}
