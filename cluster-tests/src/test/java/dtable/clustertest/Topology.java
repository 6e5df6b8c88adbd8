package dtable.clustertest;

import dtable.testsupport.Commands;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * bin/dev-cluster's components as its {@code topology} command prints them: derived from the one table in
 * {@code bin/lib/dev-cluster/topology.sh}, so the suite never keeps a copy of names, ports or jars.
 * Reading it runs bash only (nothing is started, no state folder is created).
 *
 * @param components every component, in start order
 */
record Topology(List<Component> components) {

    /**
     * One line of {@code bin/dev-cluster topology}.
     *
     * @param kind      etcd, mysql, node, proxy, monitor or slave
     * @param port      client or HTTP port at the copy's offset
     * @param peerPort  an etcd member's peer port, a node's write port
     * @param address   where it is reached (127.0.0.1 without network namespaces)
     * @param namespace its network namespace, when it runs in one
     * @param jar       a Java service's jar, relative to the repository root
     */
    record Component(String name, String kind, int port, OptionalInt peerPort, String address,
            Optional<String> namespace, Optional<String> jar) {
    }

    /** The copy at offset 0 without namespaces: names, kinds and base ports. */
    static final Topology BASE = read(DevCluster.repoRoot(), Map.of("DEV_CLUSTER_PORT_OFFSET", "0",
            "DEV_CLUSTER_NETNS", "0", "DEV_CLUSTER_HOME", "/tmp/dtable-topology-never-created-" + ProcessHandle.current().pid()));

    /** {@code bin/dev-cluster topology} with {@code env} added to this JVM's environment. */
    static Topology read(Path repoRoot, Map<String, String> env) {
        List<String> command = new ArrayList<>(List.of("env"));
        env.forEach((key, value) -> command.add(key + "=" + value));
        command.add(repoRoot.resolve("bin/dev-cluster").toString());
        command.add("topology");
        Commands.Result result = Commands.run(Duration.ofSeconds(30), command);
        if (!result.ok()) {
            throw new IllegalStateException("bin/dev-cluster topology failed (" + result.exitCode() + "): " + result.output());
        }
        return parse(result.output());
    }

    static Topology parse(String output) {
        List<Component> components = new ArrayList<>();
        for (String line : output.strip().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 7) {
                throw new IllegalStateException("unexpected line of bin/dev-cluster topology: " + line);
            }
            if (f[0].equals("NAME")) {
                continue;
            }
            components.add(new Component(f[0], f[1], Integer.parseInt(f[2]),
                    f[3].equals("-") ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(f[3])), f[4],
                    dash(f[5]), dash(f[6])));
        }
        if (components.isEmpty()) {
            throw new IllegalStateException("bin/dev-cluster topology printed no component: " + output);
        }
        return new Topology(List.copyOf(components));
    }

    private static Optional<String> dash(String field) {
        return field.equals("-") ? Optional.empty() : Optional.of(field);
    }

    List<String> names() {
        return components.stream().map(Component::name).toList();
    }

    List<String> names(String kind) {
        return components.stream().filter(c -> c.kind().equals(kind)).map(Component::name).toList();
    }

    Component component(String name) {
        return components.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no component " + name));
    }

    /** Every port the copy listens on: client and peer ports. */
    List<Integer> ports() {
        List<Integer> ports = new ArrayList<>();
        for (Component c : components) {
            ports.add(c.port());
            c.peerPort().ifPresent(ports::add);
        }
        return ports;
    }

    /** The distinct service jars. */
    List<String> jars() {
        return components.stream().flatMap(c -> c.jar().stream()).distinct().toList();
    }

    /** The network namespaces (empty without DEV_CLUSTER_NETNS=1). */
    List<String> namespaces() {
        return components.stream().flatMap(c -> c.namespace().stream()).toList();
    }
}
