package dtable.clustertest;

import static dtable.clustertest.DevCluster.NODE_1;
import static dtable.clustertest.DevCluster.NODE_2;
import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import dtable.testsupport.Commands;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The faults of the suite, each run under continuous write load by {@link ScenarioRunner}. Every fault
 * ends with the cluster restored (or restoring by itself); the runner then waits for every base to be
 * written again and audits. Limits on client-visible errors say what SPEC promises for the fault: no
 * HTTP error through the proxy during a drain, rebalance or planned restart (§9), none at all when only
 * an etcd member or a monitor dies; during a crash or an outage errors are allowed, losses never.
 *
 * @see ScenarioRunner
 */
final class Scenarios {

    /**
     * @param maxHttpErrors   client-visible HTTP errors allowed (-1: any)
     * @param maxSocketErrors socket errors allowed (-1: any)
     * @param allowsHangs     whether an HTTP write may be held past {@link ScenarioRunner#SLOW_REQUEST} (only while
     *                        the database itself hangs)
     */
    record Scenario(String name, int maxHttpErrors, int maxSocketErrors, boolean allowsHangs, ScenarioRunner.Fault fault) {
        Scenario(String name, int maxHttpErrors, int maxSocketErrors, ScenarioRunner.Fault fault) {
            this(name, maxHttpErrors, maxSocketErrors, false, fault);
        }
    }

    private static final int ANY = -1;

    private Scenarios() {
    }

    static List<Scenario> all() {
        return List.of(killNode(), pauseNodePastLease(), killMonitorLeader(), stopOneEtcdMember(), stopEtcdQuorum(),
                restartMysql(), killMysql(), pauseMysql(), drainUndrainRebalance(), rollingRestart());
    }

    static Scenario named(String name) {
        return all().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no scenario " + name));
    }

    /**
     * kill -9 a node: its buckets move after its lease expires; the proxy retries writes it did not apply.
     * Until they move, a GET of one of its bases through the proxy is answered by the slave, marked stale
     * (SPEC §11).
     */
    static Scenario killNode() {
        return new Scenario("kill-node", ANY, ANY, ctx -> {
            ctx.faultBegins();
            ctx.cluster().kill(NODE_1);
            long killedAt = ctx.history.now(); // the launcher returns once the process is gone
            BaseUuid orphan = ctx.basesByNode.get(NODE_1).get(0);
            // the check only means something while the map still names the dead node (its lease is 4 s)
            boolean stillMapped = NODE_1.equals(ctx.api().bucketMap().get(orphan.bucket().hex()));
            ClusterApi.Answer stale = ctx.api().readBase(ctx.cluster().proxyUrl(), orphan, null);
            ctx.note("GET through the proxy right after the kill: " + stale.status() + " read-level="
                    + stale.header("X-Dtable-Read-Level").orElse("-") + " node=" + stale.header("X-Dtable-Node").orElse("-"));
            if (stillMapped) {
                ctx.expect(stale.status() == 200 && stale.header("X-Dtable-Read-Level").orElse("").equals("stale"),
                        "while its owner is dead, a GET of " + orphan + " through the proxy is answered stale by the slave"
                                + " (got " + stale.status() + " " + stale.headers() + ")");
            } else {
                ctx.note("stale-read check skipped: the map had already moved " + orphan.bucket().hex());
            }
            ctx.awaitEveryBaseWritten("every base written again after " + NODE_1 + " died", ScenarioRunner.RESTORE_TIMEOUT);
            ctx.expect(ctx.api().servedBuckets(NODE_2) == 256, NODE_2 + " serves all 256 buckets after " + NODE_1 + " died");
            // fast failover (SPEC §10): the monitor sees the dead node's port refuse and revokes its lease, so the
            // bases come back well before the lease would have expired
            // an HTTP client whose write was on the wire at the kill got a 502 and writes again: wait for each
            List<BaseUuid> orphans = ctx.basesByNode.get(NODE_1);
            try {
                await("every base of " + NODE_1 + " acknowledged through the proxy by another node")
                        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> Recovery.max(Recovery.takenOver(ctx, orphans, NODE_1, killedAt, true)) >= 0);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // reported below with -1
            }
            List<Long> recovery = Recovery.takenOver(ctx, orphans, NODE_1, killedAt, true);
            long ttl = ctx.cluster().leaseTtl().toMillis();
            ctx.note("bases of " + NODE_1 + " acknowledged again through the proxy: " + Recovery.describe(recovery)
                    + " (lease TTL " + ttl + " ms)");
            ctx.expect(Recovery.max(recovery) >= 0 && Recovery.max(recovery) < ttl, "fast failover: every base of the killed "
                    + NODE_1 + " acknowledged through the proxy before its lease of " + ttl + " ms would have expired ("
                    + Recovery.describe(recovery) + ")");
        });
    }

    /**
     * SIGSTOP a node past its lease, let its buckets move, SIGCONT it: the zombie must commit nothing after
     * it wakes (its appends fail the epoch check; the checker's zombie and epoch audits).
     */
    static Scenario pauseNodePastLease() {
        return new Scenario("pause-node-past-lease", ANY, ANY, ctx -> {
            ApiWaits waits = new ApiWaits(ctx);
            ctx.faultBegins();
            ctx.cluster().pause(NODE_1);
            long pausedAt = ctx.history.now();
            await("monitor moved every bucket off the frozen " + NODE_1).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).until(() -> ctx.api().bucketCount(NODE_1) == 0);
            long frozenFor = ctx.history.now() - pausedAt;
            ctx.note("buckets moved " + frozenFor + " ms after SIGSTOP");
            // a frozen process still accepts connections: fast failover has no evidence, only the lease moves it
            ctx.expect(frozenFor >= ctx.cluster().leaseTtl().toMillis() / 2, "a frozen " + NODE_1
                    + " keeps its buckets until its lease expires (moved after " + frozenFor + " ms)");
            long movedAt = ctx.history.now();
            boolean failedOver = ctx.everyBaseWrittenWithin("every base written by " + NODE_2 + " while " + NODE_1
                    + " is frozen", Duration.ofSeconds(45));
            ctx.expect(failedOver, "every base of the frozen " + NODE_1 + " is written through " + NODE_2
                    + " within 45 s of the move (a frozen owner must not block failover)");
            ctx.note(failedOver ? "failover complete " + (ctx.history.now() - movedAt) + " ms after the move"
                    : "failover NOT complete 45 s after the move");
            ctx.zombie = new LogAudit.Zombie(NODE_1, ctx.audit().versions(ctx.bases));
            long resumedAt = ctx.history.now();
            ctx.cluster().resume(NODE_1);
            waits.nodeRegistered(NODE_1, Duration.ofSeconds(60));
            ctx.expect(ctx.api().servedBuckets(NODE_1) == 0, "the resumed " + NODE_1 + " serves no bucket");
            ctx.awaitProgress("load continues with the zombie awake");
            long late = ctx.history.acks().stream().filter(a -> a.node().equals(NODE_1) && a.ackedAt() > resumedAt).count();
            ctx.note(late + " acks from " + NODE_1 + " arrived after SIGCONT (allowed only for writes committed before the freeze)");
        });
    }

    /** kill -9 the monitor leader with two monitors running; the other must take over and act. */
    static Scenario killMonitorLeader() {
        return new Scenario("kill-monitor-leader", 0, 0, ctx -> {
            ClusterApi api = ctx.api();
            try (ExtraMonitor second = ExtraMonitor.start(api)) {
                await("both monitors agree on a leader").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .ignoreExceptions().until(() -> api.leader(api.cluster().monitorUrl()).isPresent()
                                && api.leader(api.cluster().monitorUrl()).equals(api.leader(second.url())));
                String leader = api.leader(second.url()).orElseThrow();
                String survivorUrl;
                String survivorId;
                ctx.faultBegins();
                long killedAt = ctx.history.now();
                if (leader.equals(ExtraMonitor.MONITOR_ID)) {
                    second.kill();
                    survivorUrl = api.cluster().monitorUrl();
                    survivorId = "monitor-1";
                } else {
                    ctx.cluster().kill("monitor");
                    survivorUrl = second.url();
                    survivorId = ExtraMonitor.MONITOR_ID;
                }
                await(survivorId + " becomes leader").atMost(api.cluster().leaseTtl().multipliedBy(3).plusSeconds(20))
                        .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> api.leader(survivorUrl).map(survivorId::equals).orElse(false));
                ctx.note("killed " + leader + "; " + survivorId + " led after " + (ctx.history.now() - killedAt) + " ms");
                await("the new leader rebalances").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                        .ignoreExceptions().until(() -> api.rebalance(survivorUrl).ok());
                ctx.awaitProgress("load under the new leader");
            }
        });
    }

    /** Stop one of three etcd members (the raft leader) for two lease TTLs, then bring it back. */
    static Scenario stopOneEtcdMember() {
        return new Scenario("stop-one-etcd-member", 0, 0, ctx -> {
            String victim = EtcdStatus.leader(ctx.cluster()).orElse("etcd-1");
            ctx.note("stopped " + victim + " (raft leader)");
            ctx.faultBegins();
            ctx.cluster().stop(victim);
            ctx.hold(ctx.cluster().leaseTtl().multipliedBy(2));
            ctx.awaitProgress("load with two etcd members");
            ctx.cluster().start(victim);
        });
    }

    /**
     * Stop two of three etcd members (quorum lost) for longer than a lease, then restore them: nodes must
     * fence themselves, nothing acknowledged may be lost, and service must resume by itself.
     */
    static Scenario stopEtcdQuorum() {
        return new Scenario("stop-etcd-quorum", ANY, ANY, ctx -> {
            ApiWaits waits = new ApiWaits(ctx);
            String first = EtcdStatus.leader(ctx.cluster()).orElse("etcd-1");
            String second = DevCluster.ETCD_MEMBERS.stream().filter(m -> !m.equals(first)).findFirst().orElseThrow();
            ctx.note("stopped " + first + " (raft leader) and " + second);
            ctx.faultBegins();
            ctx.cluster().stop(first);
            ctx.cluster().stop(second);
            long lostAt = ctx.history.now();
            Duration ttl = ctx.cluster().leaseTtl();
            boolean fenced = waits.bothNodesUnregistered(ttl.plusSeconds(5));
            ctx.expect(fenced, "both nodes fence themselves within TTL + 5 s of losing etcd quorum");
            ctx.note("nodes self-fenced " + (fenced ? (ctx.history.now() - lostAt) + " ms" : "NOT") + " after quorum loss");
            ctx.hold(ttl.plusSeconds(2));
            ctx.cluster().start(first);
            ctx.cluster().start(second);
        });
    }

    /** Restart MariaDB: writes fail fast with 503 while it is down, then resume by themselves. */
    static Scenario restartMysql() {
        return new Scenario("restart-mysql", ANY, ANY, ctx -> mysqlOutage(ctx, false));
    }

    /** kill -9 MariaDB (InnoDB crash recovery on restart): the same promises as a restart. */
    static Scenario killMysql() {
        return new Scenario("kill-mysql", ANY, ANY, ctx -> mysqlOutage(ctx, true));
    }

    private static void mysqlOutage(ScenarioRunner.Context ctx, boolean kill) {
        BaseUuid probe = ctx.basesByNode.get(NODE_1).get(0);
        ctx.faultBegins();
        if (kill) {
            ctx.cluster().kill("mysql");
        } else {
            ctx.cluster().stop("mysql");
        }
        // a write straight to the owner (no proxy retries) must fail fast with 503, not hang
        String url = ctx.cluster().nodeUrl(NODE_1) + "api/v1/dtables/" + probe.value() + "/rows/";
        String payload = Payloads.next("probe-" + ctx.name, 1);
        String body = "{\"table_name\":\"Table1\",\"row\":{\"Name\":\"" + payload + "\"}}";
        long sent = ctx.history.now();
        ClusterApi.Answer answer = ctx.api().call("POST", url, ctx.cluster().baseToken(probe), body, Duration.ofSeconds(60));
        long took = ctx.history.now() - sent;
        if (answer.status() == 200) {
            ctx.history.ack(new History.Ack(probe.value(), Long.parseLong(answer.header("X-Dtable-Version").orElse("-1")),
                    payload, answer.header("X-Dtable-Node").orElse("?"), "probe", sent, ctx.history.now()));
        }
        ctx.note("direct write while MariaDB is down: " + answer.status() + " after " + took + " ms");
        ctx.expect(answer.status() == 503 && took < 10_000, "a direct write while MariaDB is down answers 503 within 10 s"
                + " (got " + answer.status() + " after " + took + " ms)");
        ctx.cluster().start("mysql");
    }

    /**
     * SIGSTOP MariaDB for longer than a node waits for durability (60 s), then SIGCONT: a hung database, not a
     * dead one. A write answered 503 ("not applied, retry") during the stall must not be applied afterwards;
     * a direct write to the owner (no proxy in between) probes exactly that.
     */
    static Scenario pauseMysql() {
        return new Scenario("pause-mysql", ANY, ANY, true, ctx -> {
            Duration pause = Duration.ofSeconds(Integer.getInteger("cluster.mysqlPauseSeconds", 65));
            BaseUuid probe = ctx.basesByNode.get(NODE_1).get(0);
            ctx.faultBegins();
            ctx.cluster().pause("mysql");
            Thread prober = Thread.ofPlatform().name("pause-mysql-probe").start(() -> directWrite(ctx, probe, "probe-h0"));
            ctx.hold(pause);
            ctx.cluster().resume("mysql");
            try {
                prober.join(Duration.ofSeconds(90));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** One write straight to the owner of {@code base}, recorded in the history like any client's. */
    /** One write straight to the base's node (not through the proxy), recorded in the history; null on an I/O error. */
    static ClusterApi.Answer directWrite(ScenarioRunner.Context ctx, BaseUuid base, String client) {
        String node = ctx.basesByNode.entrySet().stream().filter(e -> e.getValue().contains(base)).findFirst()
                .orElseThrow().getKey();
        String payload = Payloads.next(ctx.name + "-" + client, 1);
        String body = "{\"table_name\":\"Table1\",\"row\":{\"Name\":\"" + payload + "\"}}";
        long sent = ctx.history.now();
        ClusterApi.Answer answer;
        try {
            answer = ctx.api().call("POST", ctx.cluster().nodeUrl(node) + "api/v1/dtables/" + base.value() + "/rows/",
                    ctx.cluster().baseToken(base), body, Duration.ofSeconds(120));
        } catch (RuntimeException e) {
            ctx.history.error(new History.ClientError(base.value(), client, payload, "io", e.getMessage(),
                    ctx.history.now(), ctx.history.now() - sent));
            return null;
        }
        long took = ctx.history.now() - sent;
        if (answer.status() == 200) {
            ctx.history.ack(new History.Ack(base.value(), Long.parseLong(answer.header("X-Dtable-Version").orElse("-1")),
                    payload, answer.header("X-Dtable-Node").orElse("?"), client, sent, ctx.history.now()));
        } else {
            ctx.history.error(new History.ClientError(base.value(), client, payload, "http_" + answer.status(),
                    answer.body(), ctx.history.now(), took));
        }
        ctx.note("direct write to " + node + ": " + answer.status() + " after " + took + " ms");
        return answer;
    }

    /** Drain node-01 (all its buckets move), undrain it, rebalance: no HTTP client may see an error. */
    static Scenario drainUndrainRebalance() {
        return new Scenario("drain-undrain-rebalance", 0, ANY, ctx -> {
            ClusterApi api = ctx.api();
            ApiWaits waits = new ApiWaits(ctx);
            ctx.faultBegins();
            requireOk(api.drain(NODE_1), "drain");
            waits.serves(NODE_1, 0, 0, Duration.ofSeconds(60));
            ctx.awaitProgress("load while " + NODE_1 + " is drained");
            requireOk(api.undrain(NODE_1), "undrain");
            requireOk(api.rebalance(api.cluster().monitorUrl()), "rebalance");
            waits.serves(NODE_1, 120, 136, Duration.ofSeconds(60));
        });
    }

    /** Graceful restart of every node in turn, each rebalanced back in: no HTTP client may see an error. */
    static Scenario rollingRestart() {
        return new Scenario("rolling-restart", 0, ANY, ctx -> {
            ClusterApi api = ctx.api();
            ApiWaits waits = new ApiWaits(ctx);
            ctx.faultBegins();
            for (String node : DevCluster.NODES) {
                ctx.cluster().stop(node);
                ctx.cluster().start(node);
                waits.nodeRegistered(node, Duration.ofSeconds(60));
                await("rebalance after restarting " + node).atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .pollInterval(Duration.ofMillis(250)).until(() -> api.rebalance(api.cluster().monitorUrl()).ok());
                waits.serves(node, 120, 136, Duration.ofSeconds(60));
                ctx.awaitProgress("load after restarting " + node);
            }
        });
    }

    private static void requireOk(ClusterApi.Answer answer, String what) {
        if (!answer.ok()) {
            throw new IllegalStateException(what + " failed: " + answer);
        }
    }

    /** Waits on the nodes' own views. */
    private record ApiWaits(ScenarioRunner.Context ctx) {
        void nodeRegistered(String node, Duration atMost) {
            await(node + " registered").atMost(atMost).pollInterval(Duration.ofMillis(200))
                    .until(() -> ctx.api().nodeView(node).map(v -> v.path("registered").asBoolean(false)).orElse(false));
        }

        /** Waits until the node serves between {@code min} and {@code max} buckets, by its own view and the monitor's. */
        void serves(String node, int min, int max, Duration atMost) {
            await(node + " serves " + min + ".." + max + " buckets").atMost(atMost).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        int served = ctx.api().servedBuckets(node);
                        int assigned = ctx.api().bucketCount(node);
                        return served >= min && served <= max && assigned == served;
                    });
        }

        /** True when both nodes said they are not registered within {@code atMost}. */
        boolean bothNodesUnregistered(Duration atMost) {
            try {
                await("both nodes self-fenced").atMost(atMost).pollInterval(Duration.ofMillis(100))
                        .until(() -> DevCluster.NODES.stream().allMatch(n -> ctx.api().nodeView(n)
                                .map(v -> !v.path("registered").asBoolean(true)).orElse(false)));
                return true;
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                return false;
            }
        }
    }

    /** Which etcd member leads raft, from {@code etcdctl endpoint status}; and moving the lead to a chosen member. */
    static final class EtcdStatus {
        private EtcdStatus() {
        }

        static Optional<String> leader(DevCluster cluster) {
            String[] endpoints = endpoints(cluster);
            return leader(statuses(cluster, endpoints), endpoints);
        }

        private static Optional<String> leader(JsonNode statuses, String[] endpoints) {
            if (statuses == null) {
                return Optional.empty();
            }
            for (JsonNode status : statuses) {
                JsonNode s = status.path("Status");
                // member ids are unsigned 64-bit: compare their text
                if (!s.path("leader").isMissingNode() && s.path("leader").toString().equals(s.path("header").path("member_id").toString())) {
                    return member(endpoints, status.path("Endpoint").asString(""));
                }
            }
            return Optional.empty();
        }

        /**
         * Makes {@code member} the raft leader ({@code etcdctl move-leader}, sent to the current leader) and waits
         * until it reports itself as the leader; a no-op when it leads already. A scenario that cuts one member
         * thus knows whether it cut the leader, instead of leaving it to chance.
         */
        static void moveLeader(DevCluster cluster, String member) {
            await("etcd leader is " + member).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions().until(() -> {
                        String[] endpoints = endpoints(cluster);
                        JsonNode statuses = statuses(cluster, endpoints);
                        Optional<String> leader = leader(statuses, endpoints);
                        if (leader.isEmpty() || leader.get().equals(member)) {
                            return leader.isPresent();
                        }
                        String target = memberIdHex(statuses, endpoints, member);
                        String from = endpoints[DevCluster.ETCD_MEMBERS.indexOf(leader.get())];
                        Commands.run(Duration.ofSeconds(15), List.of("etcdctl", "--endpoints=" + from,
                                "--dial-timeout=2s", "--command-timeout=5s", "move-leader", target));
                        return false; // checked again at the next poll
                    });
        }

        private static String[] endpoints(DevCluster cluster) {
            return cluster.setting("ETCD_ENDPOINTS").split(",");
        }

        /** The members' {@code endpoint status} as JSON, or null when etcdctl failed. */
        private static JsonNode statuses(DevCluster cluster, String[] endpoints) {
            List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=" + String.join(",", endpoints),
                    "--dial-timeout=2s", "--command-timeout=3s", "endpoint", "status", "-w", "json"));
            Commands.Result result = Commands.run(Duration.ofSeconds(15), command);
            return result.ok() ? ClusterApi.JSON.readTree(result.output()) : null;
        }

        private static Optional<String> member(String[] endpoints, String endpoint) {
            for (int i = 0; i < endpoints.length; i++) {
                if (endpoints[i].equals(endpoint)) {
                    return Optional.of(DevCluster.ETCD_MEMBERS.get(i));
                }
            }
            return Optional.empty();
        }

        /** {@code member}'s raft id in hex, as {@code move-leader} takes it (JSON has it as an unsigned decimal). */
        private static String memberIdHex(JsonNode statuses, String[] endpoints, String member) {
            for (JsonNode status : statuses) {
                if (member(endpoints, status.path("Endpoint").asString("")).filter(member::equals).isPresent()) {
                    return new BigInteger(status.path("Status").path("header").path("member_id").toString()).toString(16);
                }
            }
            throw new IllegalStateException(member + " did not answer etcdctl endpoint status");
        }
    }
}
