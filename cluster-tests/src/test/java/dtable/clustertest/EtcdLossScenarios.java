package dtable.clustertest;

import static dtable.clustertest.DevCluster.NODE_1;
import static dtable.clustertest.DevCluster.NODE_2;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * etcd losing its data under load (issue "survive losing etcd's data"): wiped and started empty, or restored
 * from a snapshot taken earlier with {@code etcdctl snapshot save} / {@code etcdctl snapshot restore} (Debian's
 * etcd 3.4, no {@code --bump-revision}), each also with a node killed during the outage. The services get no
 * help: every watcher must notice that etcd's history went back, the monitor must take a new cluster
 * generation (MySQL first, then etcd) before assigning, and the nodes must claim their bases again with
 * tokens of the new generation. Goal: every base written again within lease TTL + 10 s of etcd being back.
 */
final class EtcdLossScenarios {

    private static final int ANY = -1;

    private EtcdLossScenarios() {
    }

    static List<Scenarios.Scenario> all() {
        return List.of(etcdWiped(), etcdRestored(), etcdWipedNodeKilled(), etcdRestoredNodeKilled());
    }

    /** All etcd data wiped while running; service resumes by itself; then a kill -9 of a node fails over as usual. */
    static Scenarios.Scenario etcdWiped() {
        return new Scenarios.Scenario("etcd-wiped", ANY, ANY, ctx -> etcdLoss(ctx, false, false));
    }

    /** etcd restored from a snapshot taken before the buckets of one node moved away and back. */
    static Scenarios.Scenario etcdRestored() {
        return new Scenarios.Scenario("etcd-restored", ANY, ANY, ctx -> etcdLoss(ctx, true, false));
    }

    /** As {@link #etcdWiped()}, with dtable-server-01 killed while etcd is down. */
    static Scenarios.Scenario etcdWipedNodeKilled() {
        return new Scenarios.Scenario("etcd-wiped-node-killed", ANY, ANY, ctx -> etcdLoss(ctx, false, true));
    }

    /** As {@link #etcdRestored()}, with dtable-server-01 killed while etcd is down. */
    static Scenarios.Scenario etcdRestoredNodeKilled() {
        return new Scenarios.Scenario("etcd-restored-node-killed", ANY, ANY, ctx -> etcdLoss(ctx, true, true));
    }

    private static void etcdLoss(ScenarioRunner.Context ctx, boolean restore, boolean killDuringOutage) {
        try {
            inject(ctx, restore, killDuringOutage);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
    }

    private static void inject(ScenarioRunner.Context ctx, boolean restore, boolean killDuringOutage) throws Exception {
        DevCluster cluster = ctx.cluster();
        ClusterApi api = ctx.api();
        long generationBefore = generation(cluster);
        Path snapshot = cluster.home().resolve("etcd-" + ctx.name + ".snapshot");
        if (restore) {
            cluster.saveEtcdSnapshot(snapshot);
            // history the snapshot will not have: node-01's buckets move to node-02 (its bases are claimed there at
            // newer revisions) and the drain mark is lifted; the restored map gives them back to node-01
            requireOk(api.drain(NODE_1), "drain");
            await("every bucket moved off " + NODE_1).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> api.servedBuckets(NODE_1) == 0 && api.bucketCount(NODE_1) == 0);
            ctx.awaitProgress("every base written through " + NODE_2 + " after the drain");
            requireOk(api.undrain(NODE_1), "undrain");
            ctx.note("snapshot saved, then " + NODE_1 + " drained and undrained (its bases claimed by " + NODE_2 + ")");
        }
        ctx.faultBegins();
        long faultAt = ctx.history.now();
        CompletableFuture<Void> outage = CompletableFuture.runAsync(() -> {
            if (restore) {
                cluster.restoreEtcdSnapshot(snapshot);
            } else {
                cluster.resetEtcd();
            }
        });
        if (killDuringOutage) {
            Thread.sleep(200); // the members are stopping (a wipe can be over in under a second)
            cluster.killNow(NODE_1);
            boolean duringOutage = !outage.isDone();
            ctx.note(NODE_1 + " killed (SIGKILL) " + (ctx.history.now() - faultAt) + " ms into the outage");
            ctx.expect(duringOutage, NODE_1 + " was killed while etcd was still being " + (restore ? "restored" : "wiped"));
        }
        outage.get(3, TimeUnit.MINUTES);
        long etcdBackAt = ctx.history.now();
        ctx.note("etcd " + (restore ? "restored" : "wiped") + " and healthy again after " + (etcdBackAt - faultAt) + " ms");

        ctx.awaitEveryBaseWritten("every base written again after etcd was " + (restore ? "restored" : "wiped"),
                ScenarioRunner.RESTORE_TIMEOUT);
        long recovered = ctx.history.now() - etcdBackAt;
        Duration goal = cluster.leaseTtl().plusSeconds(10);
        ctx.note("every base written again " + recovered + " ms after etcd was back (" + (ctx.history.now() - faultAt)
                + " ms after the fault began); goal " + goal.toMillis() + " ms");
        ctx.expect(recovered <= goal.toMillis(), "every base served and writable within lease TTL + 10 s of etcd being back"
                + " (took " + recovered + " ms)");
        // the nodes serve the buckets they hold while the monitor elects a leader and takes the generation, so the
        // bases can be written again before the new generation exists: wait for it (a restore may need none)
        long generationAfter = restore ? generation(cluster) : awaitGenerationAbove(cluster, generationBefore, goal);
        ctx.note("cluster generation " + generationBefore + " -> " + generationAfter);
        // a wipe always needs a new generation; a restore only when a claim outran the restored assignments
        // (with the node killed, the failover rewrites its buckets and may make that unnecessary)
        ctx.expect(restore ? generationAfter >= generationBefore : generationAfter > generationBefore,
                "the monitor took a new cluster generation (" + generationBefore + " -> " + generationAfter + ")");

        String survivor = killDuringOutage ? NODE_2 : null;
        if (!killDuringOutage) {
            // afterwards a node dies: failover works as usual on the new etcd
            ctx.awaitProgress("steady load on the new etcd");
            long killedAt = ctx.history.now();
            cluster.kill(NODE_2);
            ctx.awaitEveryBaseWritten("every base written again after " + NODE_2 + " was killed on the new etcd",
                    ScenarioRunner.RESTORE_TIMEOUT);
            ctx.note("kill -9 " + NODE_2 + " after recovery: every base written again after "
                    + (ctx.history.now() - killedAt) + " ms");
            survivor = NODE_1;
        }
        String alive = survivor;
        await(alive + " serves all 256 buckets").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.servedBuckets(alive) == 256);
        Files.deleteIfExists(snapshot);
    }

    /** MySQL's cluster generation (table cluster_generation, migration V2). */
    /** The generation once it is above {@code before}, or the last one read when {@code within} has passed. */
    private static long awaitGenerationAbove(DevCluster cluster, long before, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        long now = generation(cluster);
        while (now <= before && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = generation(cluster);
        }
        return now;
    }

    private static long generation(DevCluster cluster) throws Exception {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), cluster.mysqlUser(), cluster.mysqlPassword());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT generation FROM cluster_generation WHERE id = 1")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static void requireOk(ClusterApi.Answer answer, String what) {
        if (!answer.ok()) {
            throw new IllegalStateException(what + " failed: " + answer);
        }
    }
}
