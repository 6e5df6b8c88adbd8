package dtable.clustertest;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.BaseUuid;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The checker must be able to fail: on a clean base it finds nothing; given an acknowledgement the log
 * does not hold, or a log with a gap, a duplicated op, a decreasing epoch and an epoch shared by two nodes
 * (written straight into MariaDB under a throw-away UUID and removed afterwards), it reports each.
 */
@Tag("integration")
@ExtendWith(ClusterExtension.class)
class LogAuditIT {

    @Test
    void findsNothingOnACleanBaseAndEveryKindOfViolationOnABrokenOne(ClusterApi api) throws Exception {
        DevCluster cluster = api.cluster();
        LogAudit audit = new LogAudit(api);
        BaseUuid base = BaseUuid.parse(UUID.randomUUID().toString());
        assertThat(api.createBase(base).status()).isEqualTo(201);
        History history = new History();
        for (int i = 1; i <= 5; i++) {
            String payload = Payloads.next("audit-self-test", i);
            ClusterApi.Answer answer = api.call("POST", cluster.proxyUrl() + "api/v1/dtables/" + base.value() + "/rows/",
                    cluster.baseToken(base), "{\"table_name\":\"Table1\",\"row\":{\"Name\":\"" + payload + "\"}}",
                    Duration.ofSeconds(30));
            assertThat(answer.status()).as("write %d: %s", i, answer).isEqualTo(200);
            history.ack(new History.Ack(base.value(), Long.parseLong(answer.header("X-Dtable-Version").orElseThrow()),
                    payload, answer.header("X-Dtable-Node").orElse("?"), "self-test-h0", 0, 0));
        }
        AuditReport clean = audit.audit(history, List.of(base), null);
        assertThat(clean.counts()).as(clean.describe()).isEmpty();
        assertThat(clean.acked()).isEqualTo(5);
        assertThat(clean.logged()).isEqualTo(5);

        history.ack(new History.Ack(base.value(), 3, "p:forged:1", "?", "forger-h0", 0, 0));
        history.ack(new History.Ack(base.value(), 9, "p:forged:2", "?", "forger-h0", 0, 0));
        AuditReport forged = audit.audit(history, List.of(base), null);
        assertThat(forged.count("lost")).isEqualTo(2);
        assertThat(forged.count("conflicting_acks")).isEqualTo(1);

        BaseUuid broken = BaseUuid.parse(UUID.randomUUID().toString());
        try (Connection c = audit.connect()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO operation_log (dtable_uuid, op_version, op_time,"
                    + " author, app, operation, owner_epoch, node_id) VALUES (?, ?, 0, 'self-test', NULL, ?, ?, ?)")) {
                Object[][] rows = {{1, "p:x:1", 2, "n1"}, {2, "p:x:1", 2, "n2"}, {4, "p:x:2", 1, "n1"}};
                for (Object[] row : rows) {
                    ps.setString(1, broken.value());
                    ps.setLong(2, ((Integer) row[0]).longValue());
                    ps.setString(3, "{\"op_type\":\"insert_row\",\"table_id\":\"0000\",\"row_data\":{\"0000\":\"" + row[1] + "\"}}");
                    ps.setLong(4, ((Integer) row[2]).longValue());
                    ps.setString(5, (String) row[3]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            AuditReport report = audit.audit(new History(), List.of(broken), null);
            assertThat(report.count("gaps")).isEqualTo(1);
            assertThat(report.count("dup")).isEqualTo(1);
            assertThat(report.count("epoch_regressions")).isEqualTo(1);
            assertThat(report.count("shared_epochs")).isEqualTo(1);
            assertThat(report.count("reader_mismatch")).as("no reader has this base").isEqualTo(2);
        } finally {
            try (Connection c = audit.connect();
                    PreparedStatement ps = c.prepareStatement("DELETE FROM operation_log WHERE dtable_uuid = ?")) {
                ps.setString(1, broken.value());
                ps.executeUpdate();
            }
        }
    }
}
