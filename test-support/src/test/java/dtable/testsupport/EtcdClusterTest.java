package dtable.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The etcd harness against the real binary: health, member faults, restart with data, cleanup. */
@Tag("integration")
class EtcdClusterTest {

    @Test
    void threeMembersStartHealthyAndSurviveLosingOne() {
        try (EtcdCluster cluster = EtcdCluster.start(3)) {
            assertThat(cluster.endpoints()).hasSize(3).allMatch(e -> e.startsWith("http://127.0.0.1:"));
            for (int i = 0; i < 3; i++) {
                assertThat(cluster.isHealthy(i)).as("member %d healthy", i).isTrue();
            }
            assertThat(etcdctl(cluster.endpoints(), "put", "/k1", "before").output()).contains("OK");

            cluster.killMember(0);
            assertThat(cluster.isRunning(0)).isFalse();
            // two of three keep a quorum: writes still succeed through the survivors
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(etcdctl(List.of(cluster.endpoint(1), cluster.endpoint(2)), "put", "/k2", "during").output())
                            .contains("OK"));

            cluster.startMember(0);
            // a serializable read is answered from member 0's own copy: it caught up after rejoining
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(etcdctl(List.of(cluster.endpoint(0)), "get", "/k2", "--print-value-only",
                            "--consistency=s").output().trim()).isEqualTo("during"));
            assertThat(etcdctl(List.of(cluster.endpoint(0)), "get", "/k1", "--print-value-only").output().trim())
                    .isEqualTo("before");
        }
    }

    @Test
    void pausedMemberIsUnhealthyUntilResumedAndStopStartKeepsData() {
        try (EtcdCluster cluster = EtcdCluster.start(1)) {
            assertThat(etcdctl(cluster.endpoints(), "put", "/kept", "yes").ok()).isTrue();

            cluster.pauseMember(0);
            assertThat(cluster.isRunning(0)).isTrue();
            assertThat(cluster.isHealthy(0)).isFalse();
            cluster.resumeMember(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.isHealthy(0));

            cluster.stopMember(0);
            assertThat(cluster.isRunning(0)).isFalse();
            cluster.startMember(0);
            assertThat(etcdctl(cluster.endpoints(), "get", "/kept", "--print-value-only").output().trim())
                    .isEqualTo("yes");
        }
    }

    @Test
    void closeStopsEveryMemberAndDeletesTheDirectory() {
        EtcdCluster cluster = EtcdCluster.start(1);
        Path dir = cluster.directory();
        String endpoint = cluster.endpoint(0);
        int port = Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
        assertThat(Files.isDirectory(dir)).isTrue();

        cluster.close();

        assertThat(cluster.isRunning(0)).isFalse();
        assertThat(Ports.isListening(port)).isFalse();
        assertThat(dir).doesNotExist();
    }

    private static Commands.Result etcdctl(List<String> endpoints, String... args) {
        List<String> command = new ArrayList<>(List.of(Binaries.find("etcdctl").orElseThrow().toString(),
                "--endpoints=" + String.join(",", endpoints), "--command-timeout=3s", "--dial-timeout=2s"));
        command.addAll(List.of(args));
        return Commands.run(Duration.ofSeconds(10), command);
    }
}
