package dtable.clustertest;

import static dtable.clustertest.DevCluster.NODE_1;
import static dtable.clustertest.DevCluster.NODE_2;
import static org.awaitility.Awaitility.await;

import dtable.clustertest.Scenarios.Scenario;
import dtable.core.bucket.BaseUuid;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;

/**
 * Network partitions (bin/dev-cluster's {@code isolate}/{@code heal}: iptables DROP rules in the network namespace
 * of etcd-3, a node or the monitor), each under the same load and audit as {@link Scenarios}. The rules they check
 * are the ones docs/reliability.md states per partition:
 *
 * <ul>
 *   <li>node cut from etcd: it fences itself before its lease ends, the other node takes over, it commits nothing
 *       afterwards; after {@code heal} it registers again and serves only what it is given (nothing, until a
 *       rebalance);</li>
 *   <li>node cut from MySQL: writes are never acknowledged without durability; after
 *       {@code mysql_unreachable_release_seconds} it gives its buckets up and the other node writes its bases;</li>
 *   <li>node cut from the proxy (etcd and MySQL reachable): the node keeps its buckets — the proxy's and the
 *       monitor's failed connections are timeouts, never evidence of death; clients of the proxy see errors for
 *       that node's bases, real-time clients (who connect to {@code node_url}) keep writing;</li>
 *   <li>monitor leader cut from etcd: another monitor leads within the election TTL + 2 s, and the deposed one
 *       writes nothing;</li>
 *   <li>one etcd member, a follower, cut from the other two: no client-visible effect;</li>
 *   <li>the etcd leader cut from the other two: no HTTP error, nothing lost or doubled; a node may fence itself
 *       until the others have elected a new leader, and its sockets reconnect.</li>
 * </ul>
 */
final class PartitionScenarios {

    private static final int ANY = -1;

    private PartitionScenarios() {
    }

    static List<Scenario> all() {
        return List.of(nodeCutFromEtcd(), nodeCutFromMysql(), nodeCutFromProxy(), monitorLeaderCutFromEtcd(),
                etcdMemberCutFromPeers(), etcdLeaderCutFromPeers());
    }

    static Scenario nodeCutFromEtcd() {
        return new Scenario("node-cut-from-etcd", ANY, ANY, ctx -> {
            Duration ttl = ctx.cluster().leaseTtl();
            ctx.faultBegins();
            ctx.cluster().isolate(NODE_1, "etcd");
            long cutAt = ctx.history.now();
            long fencedAt = awaitUntil(ctx, ttl.plusSeconds(10), () -> !registered(ctx, NODE_1));
            long movedAt = awaitUntil(ctx, ttl.plusSeconds(15), () -> ctx.api().bucketCount(NODE_1) == 0);
            ctx.note("fenced itself " + since(cutAt, fencedAt) + " ms after the cut; buckets moved after "
                    + since(cutAt, movedAt) + " ms");
            ctx.expect(fencedAt >= 0 && movedAt >= 0 && fencedAt <= movedAt,
                    NODE_1 + " fences itself before its buckets move (fenced " + since(cutAt, fencedAt) + " ms, moved "
                            + since(cutAt, movedAt) + " ms after the cut)");
            ctx.awaitEveryBaseWritten("every base written while " + NODE_1 + " is cut from etcd", Duration.ofSeconds(60));
            ctx.note("bases of " + NODE_1 + " written by " + NODE_2 + " after the cut: "
                    + Recovery.describe(Recovery.takenOver(ctx, ctx.basesByNode.get(NODE_1), NODE_1, cutAt, false)));
            ctx.zombie = new LogAudit.Zombie(NODE_1, ctx.audit().versions(ctx.bases));
            ctx.hold(ttl);
            ctx.cluster().heal(NODE_1);
            awaitUntil(ctx, Duration.ofSeconds(60), () -> registered(ctx, NODE_1));
            ctx.expect(ctx.api().servedBuckets(NODE_1) == 0, "after heal " + NODE_1 + " registers again and serves nothing");
            ctx.awaitProgress("load after heal");
        });
    }

    static Scenario nodeCutFromMysql() {
        // a cut link hangs statements in flight until TCP gives up: a write queued behind them is answered when the
        // node's durability wait (60 s) ends, 504 — the only scenario besides pause-mysql allowed to hold a write
        return new Scenario("node-cut-from-mysql", ANY, ANY, true, ctx -> {
            BaseUuid probe = ctx.basesByNode.get(NODE_1).get(0);
            ctx.faultBegins();
            ctx.cluster().isolate(NODE_1, "mysql");
            long cutAt = ctx.history.now();
            Thread prober = Thread.ofPlatform().name("mysql-cut-probe").start(() -> Scenarios.directWrite(ctx, probe, "probe-h0"));
            // once its checks have failed for 2.5 s the node refuses new writes at once (nothing applied or queued);
            // 5 s after the cut is past that and before the release (8 s), so the refusal comes from the node itself
            LockSupport.parkNanos(Duration.ofSeconds(5).toNanos());
            long sent = ctx.history.now();
            ClusterApi.Answer refused = Scenarios.directWrite(ctx, probe, "probe-h1");
            long took = ctx.history.now() - sent;
            ctx.expect(refused != null && refused.status() != 200 && took <= 3_000,
                    "a write sent straight to " + NODE_1 + " 5 s after the cut is refused within 3 s ("
                            + (refused == null ? "i/o error" : refused.status()) + " after " + took + " ms)");
            long movedAt = awaitUntil(ctx, Duration.ofSeconds(60), () -> ctx.api().bucketCount(NODE_1) == 0);
            ctx.note(NODE_1 + " gave its buckets up " + since(cutAt, movedAt) + " ms after the cut");
            boolean written = ctx.everyBaseWrittenWithin("every base written while " + NODE_1 + " is cut from MySQL",
                    Duration.ofSeconds(60));
            List<Long> recovery = Recovery.takenOver(ctx, ctx.basesByNode.get(NODE_1), NODE_1, cutAt, false);
            ctx.note("bases of " + NODE_1 + " written by " + NODE_2 + " after the cut: " + Recovery.describe(recovery));
            ctx.expect(written && Recovery.max(recovery) >= 0 && Recovery.max(recovery) <= 15_000,
                    "the bases of " + NODE_1 + " are written again within 15 s of the cut (" + Recovery.describe(recovery) + ")");
            ctx.zombie = new LogAudit.Zombie(NODE_1, ctx.audit().versions(ctx.bases));
            ctx.cluster().heal(NODE_1);
            join(prober, Duration.ofSeconds(90));
            awaitUntil(ctx, Duration.ofSeconds(60), () -> registered(ctx, NODE_1));
            ctx.expect(ctx.api().servedBuckets(NODE_1) == 0, "after heal " + NODE_1 + " registers again and serves nothing");
            ctx.awaitProgress("load after heal");
        });
    }

    static Scenario nodeCutFromProxy() {
        return new Scenario("node-cut-from-proxy", ANY, ANY, ctx -> {
            Duration ttl = ctx.cluster().leaseTtl();
            int before = ctx.api().bucketCount(NODE_1);
            ctx.faultBegins();
            ctx.cluster().isolate(NODE_1, "proxy");
            // twice the lease: long enough for any lease or probe rule to act, if one wrongly did
            long until = ctx.history.now() + ttl.multipliedBy(2).toMillis();
            boolean kept = true;
            while (ctx.history.now() < until) {
                kept &= ctx.api().bucketCount(NODE_1) == before && registered(ctx, NODE_1);
                sleepQuietly(250);
            }
            ctx.expect(kept, NODE_1 + " keeps its " + before + " buckets while only the proxy cannot reach it");
            long socketAcks = ctx.history.acks().stream().filter(a -> a.node().equals(NODE_1) && a.ackedAt() > ctx.faultAt
                    && !ScenarioRunner.isHttp(a.client())).count();
            ctx.note(socketAcks + " real-time writes acknowledged by " + NODE_1 + " during the cut (clients reach node_url)");
            ctx.expect(socketAcks > 0, "real-time clients keep writing to " + NODE_1 + " while the proxy cannot reach it");
            ctx.cluster().heal(NODE_1);
        });
    }

    static Scenario monitorLeaderCutFromEtcd() {
        return new Scenario("monitor-leader-cut-from-etcd", 0, 0, ctx -> {
            ClusterApi api = ctx.api();
            String firstUrl = api.cluster().monitorUrl();
            await("monitor-1 leads").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> api.leader(firstUrl).map("monitor-1"::equals).orElse(false));
            try (ExtraMonitor second = ExtraMonitor.start(api)) {
                await("monitor-2 follows monitor-1").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .ignoreExceptions().until(() -> api.leader(second.url()).map("monitor-1"::equals).orElse(false));
                Duration ttl = api.cluster().leaseTtl();
                ctx.faultBegins();
                ctx.cluster().isolate("monitor", "etcd");
                long cutAt = ctx.history.now();
                long ledAt = awaitUntil(ctx, ttl.plusSeconds(20),
                        () -> api.leader(second.url()).map(ExtraMonitor.MONITOR_ID::equals).orElse(false));
                ctx.note("monitor-2 led " + since(cutAt, ledAt) + " ms after monitor-1 was cut from etcd (election TTL "
                        + ttl.toSeconds() + " s)");
                ctx.expect(ledAt >= 0 && ledAt - cutAt <= ttl.plusSeconds(2).toMillis(),
                        "a new leader within the election TTL + 2 s (took " + since(cutAt, ledAt) + " ms)");
                // the deposed monitor is asked to write: it must refuse (no leader, or not leading), and write nothing
                ClusterApi.Answer refused = api.call("POST", firstUrl + "rebalance/", api.cluster().internalToken(), null,
                        Duration.ofSeconds(40));
                ctx.note("rebalance asked of the cut-off monitor-1: " + refused.status());
                ctx.expect(!refused.ok(), "the cut-off monitor-1 does not answer a rebalance as done (got " + refused + ")");
                await("monitor-2 rebalances").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                        .ignoreExceptions().until(() -> api.rebalance(second.url()).ok());
                ctx.awaitProgress("load under monitor-2");
                ctx.cluster().heal("monitor");
                long healedAt = ctx.history.now();
                JsonNode view = await("monitor-1 back as a follower").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                        .until(() -> api.clusterView(firstUrl), v -> "monitor-2".equals(v.path("leader").path("monitor_id").asString("")));
                long ownWrites = 0;
                for (JsonNode move : view.path("last_moves")) {
                    if (!move.path("trigger").asString("").equals("observed")
                            && java.time.Instant.parse(move.path("at").asString()).toEpochMilli() >= wallClock(ctx, cutAt)) {
                        ownWrites++;
                    }
                }
                ctx.expect(ownWrites == 0, "monitor-1 wrote nothing from the cut on (" + ownWrites + " moves of its own)");
                ctx.note("monitor-1 follows again " + (ctx.history.now() - healedAt) + " ms after heal; own moves since the cut: "
                        + ownWrites);
            }
            // monitor-2 resigned on close: monitor-1 leads again at once
            await("monitor-1 leads again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions().until(() -> api.leader(firstUrl).map("monitor-1"::equals).orElse(false));
        });
    }

    /**
     * A follower cut: no client-visible effect, at any lease TTL: no HTTP and no socket error. etcd-3 (the member with
     * a namespace of its own) is made a follower first, so the scenario does not depend on which member happened to
     * lead. Lease keep-alives are single calls that go round the members ({@code LeaseKeeper}), so a node whose call
     * lands on the cut member loses one call, not its lease (a long-lived keep-alive stream stayed on that member until
     * etcd ended it, ~4 s, and at the suite's 4 s TTL the node fenced itself first).
     */
    static Scenario etcdMemberCutFromPeers() {
        return new Scenario("etcd-member-cut-from-peers", 0, 0, ctx -> {
            Scenarios.EtcdStatus.moveLeader(ctx.cluster(), "etcd-1");
            ctx.note("etcd leader before the cut: " + etcdLeader(ctx).orElse("?") + " (etcd-3 is a follower)");
            ctx.faultBegins();
            ctx.cluster().isolate("etcd-3", "etcd");
            ctx.hold(ctx.cluster().leaseTtl().multipliedBy(2));
            ctx.awaitProgress("load with etcd-3 cut from its peers");
            ctx.cluster().heal("etcd-3");
        });
    }

    /**
     * The leader cut: the other two members notice only after an election timeout and then elect a new leader, and
     * until then no keep-alive can be answered by a leader that can reach a quorum. At the suite's 4 s TTL (a node
     * trusts its lease for 3.2 s after a renewal was sent) that can outlast a node's trust, so a node may fence itself
     * for a moment and refuse its sockets, which then reconnect: socket errors are allowed. The proxy retries HTTP
     * requests within its budget, so HTTP clients see no error; and, as everywhere, nothing acknowledged is lost or
     * doubled.
     */
    static Scenario etcdLeaderCutFromPeers() {
        return new Scenario("etcd-leader-cut-from-peers", 0, ANY, ctx -> {
            Scenarios.EtcdStatus.moveLeader(ctx.cluster(), "etcd-3");
            ctx.note("etcd leader before the cut: " + etcdLeader(ctx).orElse("?"));
            ctx.faultBegins();
            ctx.cluster().isolate("etcd-3", "etcd");
            ctx.hold(ctx.cluster().leaseTtl().multipliedBy(2));
            ctx.note("etcd leader during the cut: " + etcdLeader(ctx).orElse("?"));
            ctx.awaitProgress("load with the former leader etcd-3 cut from its peers");
            ctx.cluster().heal("etcd-3");
        });
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static boolean registered(ScenarioRunner.Context ctx, String node) {
        return ctx.api().nodeView(node).map(v -> v.path("registered").asBoolean(false)).orElse(false);
    }

    /** Polls every 100 ms; the history time at which it held, or -1 after {@code atMost}. */
    private static long awaitUntil(ScenarioRunner.Context ctx, Duration atMost, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(condition);
            return ctx.history.now();
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return -1;
        }
    }

    private static String since(long from, long at) {
        return at < 0 ? "never" : Long.toString(at - from);
    }

    /** History times are milliseconds anchored to the wall clock at creation: convert back for the monitor's ISO times. */
    private static long wallClock(ScenarioRunner.Context ctx, long historyTime) {
        return System.currentTimeMillis() - (ctx.history.now() - historyTime);
    }

    private static void join(Thread thread, Duration atMost) {
        try {
            thread.join(atMost);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Optional<String> etcdLeader(ScenarioRunner.Context ctx) {
        try {
            return Scenarios.EtcdStatus.leader(ctx.cluster());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

}
