package dtable.clustertest;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.testsupport.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/dev-cluster derives its whole topology from one table; these run its read-only commands
 * ({@code topology}, {@code env}, {@code help}) at an offset and check what is derived, starting nothing.
 */
class TopologyTest {

    private static final Path ROOT = DevCluster.repoRoot();

    @TempDir
    Path tmp;

    private Map<String, String> env(int offset, boolean netns) {
        return Map.of("DEV_CLUSTER_PORT_OFFSET", Integer.toString(offset), "DEV_CLUSTER_NETNS", netns ? "1" : "0",
                "DEV_CLUSTER_HOME", tmp.resolve("home").toString());
    }

    private Commands.Result launcher(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("env"));
        env.forEach((key, value) -> command.add(key + "=" + value));
        command.add(ROOT.resolve("bin/dev-cluster").toString());
        command.addAll(List.of(args));
        return Commands.run(Duration.ofSeconds(30), command);
    }

    @Test
    void theTableNamesEveryComponentOnceWithItsKindAndBasePorts() {
        Topology base = Topology.BASE;
        assertThat(base.names()).containsExactly("etcd-1", "etcd-2", "etcd-3", "mysql", "dtable-server-01",
                "dtable-server-02", "proxy", "monitor", "slave");
        assertThat(base.names("etcd")).containsExactly("etcd-1", "etcd-2", "etcd-3");
        assertThat(base.names("node")).containsExactly("dtable-server-01", "dtable-server-02");
        assertThat(base.ports()).doesNotHaveDuplicates()
                .containsExactly(2379, 2380, 22379, 22380, 32379, 32380, 3307, 5000, 5010, 5001, 5011, 5550, 5555, 4000);
        assertThat(base.components()).allSatisfy(c -> assertThat(c.address()).isEqualTo("127.0.0.1"));
        assertThat(base.namespaces()).isEmpty();
    }

    @Test
    void everyJarIsTheJarOfAModuleOfThisRepository() {
        assertThat(Topology.BASE.jars()).hasSize(4).allSatisfy(jar -> {
            String module = jar.substring(0, jar.indexOf('/'));
            assertThat(jar).isEqualTo(module + "/target/" + module + ".jar");
            assertThat(ROOT.resolve(module).resolve("pom.xml")).isRegularFile();
        });
        assertThat(Topology.BASE.component("dtable-server-02").jar()).hasValue("dtable-server/target/dtable-server.jar");
        assertThat(Topology.BASE.component("mysql").jar()).isEmpty();
    }

    @Test
    void everyPortMovesByTheOffset() {
        Topology shifted = Topology.read(ROOT, env(1700, false));
        assertThat(shifted.names()).isEqualTo(Topology.BASE.names());
        assertThat(shifted.ports()).isEqualTo(Topology.BASE.ports().stream().map(p -> p + 1700).toList());
        assertThat(shifted.component("etcd-2").peerPort()).isEqualTo(OptionalInt.of(22380 + 1700));
        assertThat(shifted.component("proxy").peerPort()).isEmpty();
    }

    @Test
    void envListsTheDerivedEndpointsAndUrls() {
        Map<String, String> values = parse(launcher(env(1700, false), "env"));
        assertThat(values).containsEntry("DEV_CLUSTER_PORT_OFFSET", "1700")
                .containsEntry("ETCD_ENDPOINTS", "http://127.0.0.1:4079,http://127.0.0.1:24079,http://127.0.0.1:34079")
                .containsEntry("MYSQL_PORT", "5007")
                .containsEntry("DTABLE_SERVER_01_URL", "http://127.0.0.1:6700/")
                .containsEntry("DTABLE_SERVER_02_URL", "http://127.0.0.1:6701/")
                .containsEntry("DTABLE_SERVER_01_LOCAL_URL", "http://127.0.0.1:6700/")
                .containsEntry("PROXY_URL", "http://127.0.0.1:7250/")
                .containsEntry("MONITOR_URL", "http://127.0.0.1:7255/")
                .containsEntry("SLAVE_URL", "http://127.0.0.1:5700/");
        assertThat(tmp.resolve("home")).as("env creates no state folder").doesNotExist();
    }

    @Test
    void namespaceModeGivesEachMarkedComponentItsOwnNamespaceAndAddress() {
        // only printed: nothing is created, so no root is needed
        Topology netns = Topology.read(ROOT, env(1700, true));
        assertThat(netns.namespaces()).containsExactly("dcf1700-etcd-3", "dcf1700-dtable-server-01",
                "dcf1700-dtable-server-02", "dcf1700-monitor");
        // 10.<100 + 1700/256>.<1700 % 256>: host .1, the k-th namespace .8k+2
        assertThat(netns.component("etcd-3").address()).isEqualTo("10.106.164.10");
        assertThat(netns.component("monitor").address()).isEqualTo("10.106.164.34");
        assertThat(netns.components()).filteredOn(c -> c.namespace().isEmpty())
                .allSatisfy(c -> assertThat(c.address()).isEqualTo("10.106.164.1"));
        Map<String, String> values = parse(launcher(env(1700, true), "env"));
        assertThat(values).containsEntry("DTABLE_SERVER_01_URL", "http://10.106.164.18:6700/")
                .containsEntry("DTABLE_SERVER_01_LOCAL_URL", "http://10.106.164.19:6700/")
                .containsEntry("HOST_ADDRESS", "10.106.164.1");
    }

    @Test
    void anOffsetPushingAPortPast65535IsRefusedAndCreatesNothing() {
        Commands.Result highest = launcher(env(33155, false), "topology");
        assertThat(highest.ok()).as(highest.output()).isTrue();
        assertThat(highest.output()).contains("65535");
        for (String bad : List.of("33156", "-1", "12ab")) {
            Map<String, String> env = new LinkedHashMap<>(env(0, false));
            env.put("DEV_CLUSTER_PORT_OFFSET", bad);
            Commands.Result result = launcher(env, "status");
            assertThat(result.exitCode()).as(bad).isEqualTo(2);
            assertThat(result.output()).contains("DEV_CLUSTER_PORT_OFFSET must be an integer from 0 to 33155");
        }
        assertThat(tmp.resolve("home")).doesNotExist();
    }

    @Test
    void etcdDataMadeAtAnotherOffsetIsRefusedWithWhatToDo() throws Exception {
        Path etcd = Files.createDirectories(tmp.resolve("home/etcd/etcd-1"));
        String madeAt = "etcd-1=http://127.0.0.1:4380,etcd-2=http://127.0.0.1:24380,etcd-3=http://127.0.0.1:34380";
        Files.writeString(etcd.resolveSibling("etcd-1.initial-cluster"), madeAt + "\n");
        Map<String, String> env = new LinkedHashMap<>(env(3110, false));
        env.put("DEV_CLUSTER_SKIP_BUILD", "1");
        Commands.Result start = launcher(env, "start", "etcd-1");
        assertThat(start.exitCode()).as(start.output()).isNotZero();
        assertThat(start.output()).contains("etcd-1: its data in " + etcd + " was made for other ports (" + madeAt)
                .contains("not for DEV_CLUSTER_PORT_OFFSET=3110").contains("delete " + tmp.resolve("home/etcd"));
        assertThat(tmp.resolve("home/run/etcd-1.pid")).doesNotExist();
    }

    @Test
    void aCommandWithoutItsComponentNameSaysWhichNamesThereAre() {
        // 'stop' and 'kill' without a name once failed inside bash ("KIND: bad array subscript")
        for (String command : List.of("start", "stop", "kill", "logs")) {
            Commands.Result result = launcher(env(0, false), command);
            assertThat(result.ok()).as(command).isFalse();
            assertThat(result.output()).as(command).contains(command + " NAME: NAME is one of "
                    + String.join(" ", Topology.BASE.names())).doesNotContain("bad array subscript");
        }
    }

    @Test
    void helpNamesTheComponentsOfTheTable() {
        Commands.Result help = launcher(env(0, false), "help");
        assertThat(help.ok()).isTrue();
        assertThat(help.output()).contains("NAME: " + String.join(" ", Topology.BASE.names()))
                .contains("NAME: etcd-3 dtable-server-01 dtable-server-02 monitor")
                .contains("0..33155");
        assertThat(Files.exists(tmp.resolve("home"))).isFalse();
    }

    private static Map<String, String> parse(Commands.Result result) {
        assertThat(result.ok()).as(result.output()).isTrue();
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : result.output().strip().split("\n")) {
            int eq = line.indexOf('=');
            values.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return values;
    }
}
