package dtable.clustertest;

import dtable.core.bucket.BaseUuid;
import dtable.core.token.Permission;
import dtable.core.token.TokenService;
import dtable.testsupport.Commands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private copy of the whole cluster, run by the project's own launcher {@code bin/dev-cluster}: three
 * etcd members, MariaDB, two dtable-servers, proxy, monitor and slave as local processes, in a temporary
 * state folder ({@code DEV_CLUSTER_HOME}) and on ports shifted by an offset chosen so that nothing
 * collides with a dev cluster already running on this machine ({@code DEV_CLUSTER_PORT_OFFSET}). Maven
 * is never run from here ({@code DEV_CLUSTER_SKIP_BUILD=1}): the service jars must be built already.
 *
 * <p>Faults: {@link #stop}/{@link #start}/{@link #kill} go through the launcher; {@link #pause}/{@link #resume}
 * send SIGSTOP/SIGCONT to the PID in the launcher's PID file. Short timings for tests are set through the
 * services' environment overrides ({@code DTABLE_<KEY>}, cluster-core's {@code ConfigFile}), which every
 * process started by the launcher inherits: bin/dev-cluster itself has no knob for them.
 *
 * <p>{@link #close()} resumes what is paused, runs {@code bin/dev-cluster down}, SIGKILLs anything of this
 * copy still alive and deletes the folder. A JVM shutdown hook does the SIGKILL part if the test JVM is
 * stopped before {@code close()} runs, so no process outlives the run.
 *
 * <p>Thread rules: the fault methods are called by the test thread, one at a time; URL and token getters
 * are safe from any thread.
 */
public final class DevCluster implements AutoCloseable {

    // names and jars come from bin/dev-cluster's own table (its `topology` command)
    public static final List<String> NODES = Topology.BASE.names("node");
    public static final String NODE_1 = NODES.get(0);
    public static final String NODE_2 = NODES.get(1);
    public static final List<String> ETCD_MEMBERS = Topology.BASE.names("etcd");
    public static final List<String> COMPONENTS = Topology.BASE.names();

    /** Port (at offset 0) of the second monitor the monitor-failover scenario starts itself. */
    public static final int EXTRA_MONITOR_PORT = 5556;
    static final List<String> SERVICE_JARS = Topology.BASE.jars();

    /**
     * Test timings, passed to the services as environment overrides.
     *
     * @param leaseTtlSeconds   {@code cluster_config.lease_ttl_seconds} of the nodes and the monitors' election lease
     * @param checkIntervalSeconds the monitor's {@code check_interval_seconds}
     * @param snapshotEveryOps  {@code snapshot_every_ops}: small, so loads replay snapshot + log under the faults
     * @param saveIntervalSeconds {@code save_interval_seconds}
     */
    public record Timings(int leaseTtlSeconds, int checkIntervalSeconds, int snapshotEveryOps, int saveIntervalSeconds) {
        public static Timings forTests() {
            return new Timings(Integer.getInteger("cluster.leaseTtlSeconds", 4), 1, 200, 10);
        }

        Map<String, String> environment() {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("DTABLE_CLUSTER_CONFIG_LEASE_TTL_SECONDS", Integer.toString(leaseTtlSeconds));
            env.put("DTABLE_CLUSTER_CONFIG_ELECTION_LEASE_TTL_SECONDS", Integer.toString(leaseTtlSeconds));
            env.put("DTABLE_CHECK_INTERVAL_SECONDS", Integer.toString(checkIntervalSeconds));
            env.put("DTABLE_SNAPSHOT_EVERY_OPS", Integer.toString(snapshotEveryOps));
            env.put("DTABLE_SAVE_INTERVAL_SECONDS", Integer.toString(saveIntervalSeconds));
            return env;
        }
    }

    private final Path repoRoot;
    private final Path home;
    private final int offset;
    private final Timings timings;
    private final Map<String, String> launcherEnv;
    private final Path commandLog;
    private final Set<String> paused = ConcurrentHashMap.newKeySet();
    private final Thread shutdownHook;
    private volatile Map<String, String> settings = Map.of();
    private volatile TokenService tokens;
    private volatile boolean closed;

    private DevCluster(Path repoRoot, Path home, int offset, Timings timings) {
        this.repoRoot = repoRoot;
        this.home = home;
        this.offset = offset;
        this.timings = timings;
        this.commandLog = home.resolve("launcher-commands.log");
        Map<String, String> env = new LinkedHashMap<>(timings.environment());
        env.put("DEV_CLUSTER_HOME", home.toString());
        env.put("DEV_CLUSTER_PORT_OFFSET", Integer.toString(offset));
        env.put("DEV_CLUSTER_SKIP_BUILD", "1");
        // two cores run nine processes: a small young generation and one GC thread keep pauses short
        env.put("DEV_CLUSTER_JAVA_OPTS", System.getProperty("cluster.javaOpts", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1"));
        env.put("DEV_CLUSTER_NETNS", netnsWanted() ? "1" : "0");
        this.launcherEnv = Map.copyOf(env);
        this.shutdownHook = new Thread(this::killEverything, "dev-cluster-reaper-" + offset);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Prepares (does not start) a private cluster in a new temporary folder at a free port offset. */
    public static DevCluster create(Timings timings) {
        Path root = repoRoot();
        List<String> missing = SERVICE_JARS.stream().filter(jar -> !Files.isRegularFile(root.resolve(jar))).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("service jars not built: " + missing
                    + "; run ./mvnw -B -q package -Dmaven.test.skip=true first");
        }
        try {
            // short path: MariaDB's Unix socket lives in the folder and must stay under 108 bytes
            Path home = Files.createTempDirectory(Path.of("/tmp"), "dtable-faults-");
            return new DevCluster(root, home, PortOffsets.free(), timings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository root: {@code -Ddtable.repo.root}, else the nearest parent folder holding {@code bin/dev-cluster}. */
    static Path repoRoot() {
        String configured = System.getProperty("dtable.repo.root");
        if (configured != null && Files.isExecutable(Path.of(configured, "bin", "dev-cluster"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve("bin/dev-cluster"))) {
                return dir;
            }
        }
        throw new IllegalStateException("bin/dev-cluster not found above " + Path.of("").toAbsolutePath());
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    /** {@code bin/dev-cluster up}: starts everything and waits until healthy; then reads the copy's settings. */
    public void up() {
        launcher(Duration.ofMinutes(6), "up");
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String line : launcher(Duration.ofSeconds(30), "env").split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                parsed.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        settings = Map.copyOf(parsed);
        tokens = new TokenService(readString(Path.of(setting("DEV_CLUSTER_PRIVATE_KEY_FILE"))).trim(), Clock.systemUTC());
        if (applyMysqlGlobals()) {
            // session defaults are copied from the globals when a connection opens: reconnect the nodes' pools
            for (String node : NODES) {
                stop(node);
                start(node);
            }
        }
    }

    /**
     * {@code -Dcluster.mysqlGlobals="idle_write_transaction_timeout=3,..."}: server variables set with {@code SET
     * GLOBAL} after MariaDB (re)starts — for trying a remedy for a finding without changing the services.
     */
    private boolean applyMysqlGlobals() {
        String globals = System.getProperty("cluster.mysqlGlobals", "").trim();
        if (globals.isEmpty()) {
            return false;
        }
        String sql = "SET GLOBAL " + String.join(", GLOBAL ", globals.split("\\s*,\\s*"));
        try {
            Process process = new ProcessBuilder("mariadb", "--no-defaults", "--socket=" + setting("MYSQL_SOCKET"), "-uroot",
                    "-e", sql).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(sql + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    public void stop(String component) {
        paused.remove(component);
        launcher(Duration.ofMinutes(2), "stop", component);
    }

    /** Starts a component and waits until it is healthy (the launcher's {@code start}). */
    public void start(String component) {
        launcher(Duration.ofMinutes(4), "start", component);
        if (component.equals("mysql")) {
            applyMysqlGlobals();
        }
    }

    /** SIGKILL through the launcher; returns once the process is gone. */
    public void kill(String component) {
        paused.remove(component);
        launcher(Duration.ofMinutes(1), "kill", component);
    }

    /** The three etcd members lose their data and start again empty (the launcher's {@code reset-etcd}). */
    public void resetEtcd() {
        launcher(Duration.ofMinutes(2), "reset-etcd");
    }

    /** {@code etcdctl snapshot save} of etcd-1 into {@code file} (the launcher's {@code etcd-snapshot save}). */
    public void saveEtcdSnapshot(Path file) {
        launcher(Duration.ofMinutes(1), "etcd-snapshot", "save", file.toString());
    }

    /** Every member stopped, restored from {@code file} ({@code etcdctl snapshot restore}) and started again. */
    public void restoreEtcdSnapshot(Path file) {
        launcher(Duration.ofMinutes(2), "etcd-snapshot", "restore", file.toString());
    }

    /**
     * SIGKILL straight to the PID, without the launcher (whose lock a running {@code reset-etcd} or
     * {@code etcd-snapshot restore} holds): for killing a component in the middle of such an outage.
     * Returns once the process is gone.
     */
    public void killNow(String component) {
        paused.remove(component);
        long pid = pid(component).orElseThrow(() -> new IllegalStateException(component + " is not running"));
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(component + " is gone"));
        process.destroyForcibly(); // SIGKILL from this JVM: no `kill` process to spawn on a loaded machine
        // a killed service is not our child: it stays a zombie until its reaper gets to it (ProcessHandle.onExit
        // waits for that), but it is dead as soon as /proc shows it gone or in state Z
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!deadOrZombie(pid)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(component + " (pid " + pid + ") still alive 30 s after SIGKILL");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean deadOrZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String state = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 2)[0];
            return state.equals("Z") || state.equals("X");
        } catch (IOException e) {
            return true; // no such process
        }
    }

    /** SIGSTOP: the process freezes with its sockets open — a hung peer, not a dead one. */
    public void pause(String component) {
        long pid = pid(component).orElseThrow(() -> new IllegalStateException(component + " is not running"));
        signal(pid, "STOP");
        paused.add(component);
    }

    /** SIGCONT after {@link #pause}. */
    public void resume(String component) {
        pid(component).ifPresent(pid -> signal(pid, "CONT"));
        paused.remove(component);
    }

    /** The PID of a running component, from the launcher's PID file. */
    public OptionalLong pid(String component) {
        Path file = home.resolve("run").resolve(component + ".pid");
        try {
            if (!Files.isRegularFile(file)) {
                return OptionalLong.empty();
            }
            long pid = Long.parseLong(Files.readString(file).trim());
            // a killed component is not our child and can stay a zombie for minutes until its reaper runs;
            // ProcessHandle calls a zombie alive, the launcher (empty command line) does not: so neither may we,
            // or startMissing() leaves a killed node down and waits for its registration in vain
            return deadOrZombie(pid) ? OptionalLong.empty() : OptionalLong.of(pid);
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public boolean isRunning(String component) {
        return pid(component).isPresent();
    }

    /** Starts every component that is not running (after a scenario that stopped or killed some). */
    public void startMissing() {
        for (String component : COMPONENTS) {
            if (paused.contains(component)) {
                resume(component);
            }
            if (!isRunning(component)) {
                start(component);
            }
        }
    }

    // ---- partitions (DEV_CLUSTER_NETNS=1) ------------------------------------------------------------

    /**
     * Whether the copy runs etcd-3, the nodes and the monitor in network namespaces ({@code -Dcluster.netns}:
     * {@code auto} (default: when running as root with {@code ip} and {@code iptables}), {@code on}, {@code off}).
     */
    static boolean netnsWanted() {
        String mode = System.getProperty("cluster.netns", "auto");
        if (mode.equals("on") || mode.equals("off")) {
            return mode.equals("on");
        }
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/sbin/ip"))
                && Files.isExecutable(Path.of("/usr/sbin/iptables"));
    }

    /** True when {@link #isolate} works: the copy runs with network namespaces. */
    public boolean partitions() {
        return "1".equals(settings.get("DEV_CLUSTER_NETNS"));
    }

    /** {@code bin/dev-cluster isolate COMPONENT TARGET}: iptables DROP rules in the component's namespace. */
    public void isolate(String component, String target) {
        launcher(Duration.ofSeconds(60), "isolate", component, target);
    }

    /** {@code bin/dev-cluster heal COMPONENT}: removes every cut of the component. */
    public void heal(String component) {
        launcher(Duration.ofSeconds(60), "heal", component);
    }

    /** What {@code bin/dev-cluster status} says (the partitions section names the cuts). */
    public String status() {
        try {
            return launcher(Duration.ofSeconds(60), "status");
        } catch (RuntimeException e) {
            return e.getMessage(); // exit 1 while something is unhealthy: the text is still what we want
        }
    }

    /** Everything down, leftovers SIGKILLed, the folder deleted. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (String component : List.copyOf(paused)) {
                resume(component);
            }
            launcher(Duration.ofMinutes(4), "down");
        } catch (RuntimeException e) {
            System.err.println("dev-cluster down failed, killing what is left: " + e.getMessage());
        } finally {
            killEverything();
            keepLogsIfAsked();
            deleteRecursively(home);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already; the hook runs or ran
            }
        }
    }

    /** SIGKILLs every process of this copy still alive (PID files whose command line names our folder). */
    private void killEverything() {
        killProcesses();
        removeNamespaces();
    }

    /** The network namespaces and the host address of this copy, if `down` did not get to remove them. */
    private void removeNamespaces() {
        if (!"1".equals(launcherEnv.get("DEV_CLUSTER_NETNS"))) {
            return;
        }
        Topology topology = Topology.read(repoRoot, launcherEnv);
        for (String namespace : topology.namespaces()) {
            Commands.run(Duration.ofSeconds(10), List.of("ip", "netns", "del", namespace));
        }
        // the components outside a namespace are reached at the copy's host address
        topology.components().stream().filter(c -> c.namespace().isEmpty()).findFirst().ifPresent(c ->
                Commands.run(Duration.ofSeconds(10), List.of("ip", "addr", "del", c.address() + "/32", "dev", "lo")));
    }

    private void killProcesses() {
        Path run = home.resolve("run");
        if (!Files.isDirectory(run)) {
            return;
        }
        try (Stream<Path> files = Files.list(run)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
                try {
                    long pid = Long.parseLong(Files.readString(file).trim());
                    ProcessHandle.of(pid).filter(p -> p.info().commandLine().orElse("").contains(home.toString()))
                            .ifPresent(p -> {
                                p.destroyForcibly();
                                p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join();
                            });
                } catch (IOException | NumberFormatException e) {
                    // a PID file being written or removed: nothing to kill
                }
            }
        } catch (IOException e) {
            // folder vanished
        }
    }

    /** {@code -Dcluster.keepLogs=DIR} copies the services' logs there before the folder is deleted. */
    private void keepLogsIfAsked() {
        String target = System.getProperty("cluster.keepLogs");
        Path logs = home.resolve("logs");
        if (target == null || target.isBlank() || !Files.isDirectory(logs)) {
            return;
        }
        try (Stream<Path> files = Files.list(logs)) {
            Path dir = Files.createDirectories(Path.of(target));
            for (Path log : files.toList()) {
                Files.copy(log, dir.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.copy(commandLog, dir.resolve(commandLog.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            System.err.println("could not keep the cluster logs: " + e);
        }
    }

    // ---- addresses and tokens -------------------------------------------------------------------

    /** A value of {@code bin/dev-cluster env}, or {@code fallback} when it names none. */
    public String settingOr(String key, String fallback) {
        return settings.getOrDefault(key, fallback);
    }

    /** A value of {@code bin/dev-cluster env} (available after {@link #up}). */
    public String setting(String key) {
        String value = settings.get(key);
        if (value == null) {
            throw new IllegalStateException("bin/dev-cluster env has no " + key + " (is the cluster up?)");
        }
        return value;
    }

    /** Base URL ending with {@code /}. */
    public String proxyUrl() {
        return setting("PROXY_URL");
    }

    public String monitorUrl() {
        return setting("MONITOR_URL");
    }

    public String slaveUrl() {
        return setting("SLAVE_URL");
    }

    public String nodeUrl(String node) {
        if (!NODES.contains(node)) {
            throw new IllegalArgumentException("unknown node " + node);
        }
        return setting(envKey(node) + "_URL");
    }

    /** The prefix of a component's {@code bin/dev-cluster env} keys: dtable-server-01 → DTABLE_SERVER_01. */
    static String envKey(String component) {
        return component.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    public String jdbcUrl() {
        return "jdbc:mysql://" + setting("MYSQL_HOST") + ":" + setting("MYSQL_PORT") + "/" + setting("MYSQL_DATABASE")
                + "?connectTimeout=3000&socketTimeout=60000&allowPublicKeyRetrieval=true&useSSL=false";
    }

    public String mysqlUser() {
        return setting("MYSQL_USER");
    }

    public String mysqlPassword() {
        return setting("MYSQL_PASSWORD");
    }

    public int offset() {
        return offset;
    }

    public Path home() {
        return home;
    }

    public Path repo() {
        return repoRoot;
    }

    public Timings timings() {
        return timings;
    }

    public Duration leaseTtl() {
        return Duration.ofSeconds(timings.leaseTtlSeconds());
    }

    public String internalToken() {
        return tokens.mintInternal(Duration.ofHours(6));
    }

    public String baseToken(BaseUuid base) {
        return tokens.mintBase(base, "fault-suite@dev-cluster.local", Permission.READ_WRITE, Duration.ofHours(6));
    }

    /** A base token for {@code username} (the page tests tell people apart by it). */
    public String baseToken(BaseUuid base, String username, Permission permission) {
        return tokens.mintBase(base, username, permission, Duration.ofHours(6));
    }

    /** The last lines of a component's log, for failure messages. */
    public String logTail(String component, int lines) {
        Path log = home.resolve("logs").resolve(component + ".log");
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log for " + component + ": " + e + ")";
        }
    }

    /** The environment every process of this copy gets (for processes the suite starts itself). */
    public Map<String, String> serviceEnvironment() {
        return timings.environment();
    }

    // ---- internals ------------------------------------------------------------------------------

    /**
     * Runs {@code bin/dev-cluster ARGS}; output goes to the command log; fails with its tail on a non-zero
     * exit. A bash syntax error means the script was being edited while bash read it: tried once more.
     */
    private String launcher(Duration timeout, String... args) {
        try {
            return launchOnce(timeout, args);
        } catch (LauncherSyntaxError e) {
            return launchOnce(timeout, args);
        }
    }

    private static final class LauncherSyntaxError extends IllegalStateException {
        LauncherSyntaxError(String message) {
            super(message);
        }
    }

    private String launchOnce(Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add(repoRoot.resolve("bin/dev-cluster").toString());
        command.addAll(List.of(args));
        Path out = home.resolve("launcher-last.out");
        ProcessBuilder builder = new ProcessBuilder(command).directory(repoRoot.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(launcherEnv);
        long started = System.nanoTime();
        try {
            Process process = builder.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly();
            }
            String output = readString(out);
            Files.writeString(commandLog, "$ bin/dev-cluster " + String.join(" ", args) + "  ("
                    + (System.nanoTime() - started) / 1_000_000 + " ms)\n" + output + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            if (finished && process.exitValue() == 2 && output.contains("syntax error")) {
                throw new LauncherSyntaxError("bin/dev-cluster " + String.join(" ", args) + ": " + tail(output, 5));
            }
            if (!finished || process.exitValue() != 0) {
                throw new IllegalStateException("bin/dev-cluster " + String.join(" ", args)
                        + (finished ? " exited with " + process.exitValue() : " timed out after " + timeout)
                        + ":\n" + tail(output, 60));
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run bin/dev-cluster", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running bin/dev-cluster " + String.join(" ", args), e);
        }
    }

    private static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort; a leftover temp folder is harmless
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return "DevCluster{home=" + home + ", offset=" + offset + "}";
    }
}
