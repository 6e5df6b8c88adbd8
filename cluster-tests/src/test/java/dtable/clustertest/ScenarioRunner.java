package dtable.clustertest;

import static org.awaitility.Awaitility.await;

import dtable.core.bucket.BaseUuid;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;

/**
 * Runs one fault scenario: bring the cluster back to full health and balance (both nodes serving half the
 * buckets), create fresh bases on both nodes, start the {@link WriteLoad}, wait until every base is being
 * written, inject the fault, wait until every base is written again after the cluster was restored, let the
 * load run on, stop it, and audit ({@link LogAudit}). Waits are on events (Awaitility), never fixed sleeps;
 * only a fault that is defined by its length ("longer than a lease") holds for a time.
 *
 * <p>Used by the test thread only.
 */
final class ScenarioRunner {

    static final int BASES_PER_NODE = 3;
    /** Acknowledged writes every base must gain to count as "being written" (warm-up, steady phases). */
    static final int PROGRESS_ACKS = 10;
    static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(90);
    /** An HTTP write held this long was stuck: no designed wait is this long except the 60 s durability timeout. */
    static final Duration SLOW_REQUEST = Duration.ofSeconds(25);

    /** The fault of a scenario: steps on the cluster while the load runs; returns once the cluster is restored. */
    @FunctionalInterface
    interface Fault {
        void inject(Context context);
    }

    /** What a fault sees: the cluster, the bases and their owners, and the waits it may use. */
    final class Context {
        final String name;
        final History history;
        final List<BaseUuid> bases;
        final Map<String, List<BaseUuid>> basesByNode;
        final List<String> notes = new ArrayList<>();
        final List<String> failedExpectations = new ArrayList<>();
        long faultAt = -1;
        LogAudit.Zombie zombie;

        private Context(String name, History history, Map<String, List<BaseUuid>> basesByNode) {
            this.name = name;
            this.history = history;
            this.basesByNode = basesByNode;
            this.bases = basesByNode.values().stream().flatMap(List::stream).toList();
        }

        ClusterApi api() {
            return api;
        }

        DevCluster cluster() {
            return cluster;
        }

        LogAudit audit() {
            return audit;
        }

        /** Marks the moment the fault begins (recovery is measured from here). */
        void faultBegins() {
            faultAt = history.now();
        }

        void note(String text) {
            notes.add(text);
        }

        /** Records a broken expectation of the fault's own (the test fails on it after the audit). */
        void expect(boolean holds, String expectation) {
            if (!holds) {
                failedExpectations.add(expectation);
            }
        }

        /** Waits until every base has an acknowledged write made after now: the service resumed by itself. */
        void awaitEveryBaseWritten(String why, Duration atMost) {
            long since = history.now();
            await(name + ": " + why).atMost(atMost).pollInterval(Duration.ofMillis(100))
                    .until(() -> basesWrittenSince(since).containsAll(names(bases)));
        }

        /** Like {@link #awaitEveryBaseWritten} but reports a timeout as false instead of failing. */
        boolean everyBaseWrittenWithin(String why, Duration atMost) {
            try {
                awaitEveryBaseWritten(why, atMost);
                return true;
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                return false;
            }
        }

        /** Waits until every base gained {@link #PROGRESS_ACKS} acknowledged writes. */
        void awaitProgress(String why) {
            long since = history.now();
            await(name + ": " + why).atMost(RESTORE_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> everyBaseHas(since, PROGRESS_ACKS));
        }

        /** Keeps a fault in place for {@code length} under load: the fault is defined by its length. */
        void hold(Duration length) {
            await(name + ": holding the fault").pollDelay(length).atMost(length.plusSeconds(5)).until(() -> true);
        }

        private Set<String> basesWrittenSince(long since) {
            Set<String> written = new HashSet<>();
            for (History.Ack ack : history.acks()) {
                if (ack.ackedAt() >= since && ack.sentAt() >= since) {
                    written.add(ack.base());
                }
            }
            return written;
        }

        private boolean everyBaseHas(long since, int n) {
            Map<String, Integer> counts = new HashMap<>();
            history.acks().stream().filter(a -> a.ackedAt() >= since).forEach(a -> counts.merge(a.base(), 1, Integer::sum));
            return bases.stream().allMatch(b -> counts.getOrDefault(b.value(), 0) >= n);
        }
    }

    private final ClusterApi api;
    private final DevCluster cluster;
    private final LogAudit audit;
    private final ScenarioTable table;
    private int scenarioCount;

    ScenarioRunner(ClusterApi api, ScenarioTable table) {
        this.api = api;
        this.cluster = api.cluster();
        this.audit = new LogAudit(api);
        this.table = table;
    }

    ScenarioResult run(String name, Fault fault) {
        long started = System.nanoTime();
        restoreAndBalance();
        Map<String, List<BaseUuid>> bases = createBases();
        History history = new History();
        Context context = new Context(name, history, bases);
        String tag = name + "-" + (++scenarioCount) + "-" + Long.toHexString(ThreadLocalRandom.current().nextInt(1 << 16));
        try (WriteLoad load = WriteLoad.start(api, history, context.bases, tag, WriteLoad.Shape.standard())) {
            context.awaitProgress("warm-up: every base written");
            fault.inject(context);
            context.awaitEveryBaseWritten("after the cluster was restored, every base written again", RESTORE_TIMEOUT);
            context.awaitProgress("steady load after recovery");
        }
        AuditReport report = audit.audit(history, context.bases, context.zombie);
        table.writeErrors(name, history.errors());
        ScenarioResult result = summarise(context, report, (System.nanoTime() - started) / 1_000_000);
        System.out.println(result.line());
        table.add(result);
        return result;
    }

    /**
     * Every component running, both nodes registered and serving half of the buckets each. (A node killed by
     * {@code killNow} in the etcd-loss suite once stayed down here for minutes: it was a zombie, which
     * {@link DevCluster#pid} counted as running, so it was never started again.)
     */
    void restoreAndBalance() {
        cluster.startMissing();
        long waitStarted = System.nanoTime();
        await("both nodes registered").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> DevCluster.NODES.stream().allMatch(n -> api.nodeView(n)
                        .map(v -> v.path("registered").asBoolean(false)).orElse(false)));
        long waitedMillis = (System.nanoTime() - waitStarted) / 1_000_000;
        if (waitedMillis > 10_000) {
            System.out.println("RESTORE both nodes registered only after " + waitedMillis + " ms");
        }
        await("rebalance accepted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> api.rebalance(cluster.monitorUrl()).ok());
        await("both nodes serve half of the buckets").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> DevCluster.NODES.stream().allMatch(n -> api.servedBuckets(n) >= 120)
                        && DevCluster.NODES.stream().mapToInt(api::servedBuckets).sum() == 256);
    }

    /** {@link #BASES_PER_NODE} new bases in buckets each node serves, created through the proxy. */
    private Map<String, List<BaseUuid>> createBases() {
        Map<String, List<BaseUuid>> bases = new LinkedHashMap<>();
        for (String node : DevCluster.NODES) {
            Set<String> buckets = new HashSet<>();
            api.nodeView(node).ifPresent(v -> v.path("buckets").forEach(b -> buckets.add(b.path("bucket").asString())));
            if (buckets.isEmpty()) {
                throw new IllegalStateException(node + " serves no bucket after rebalancing");
            }
            List<BaseUuid> mine = new ArrayList<>();
            while (mine.size() < BASES_PER_NODE) {
                BaseUuid uuid = BaseUuid.parse(UUID.randomUUID().toString());
                if (buckets.contains(uuid.bucket().hex())) {
                    create(uuid);
                    mine.add(uuid);
                }
            }
            bases.put(node, List.copyOf(mine));
        }
        return bases;
    }

    private void create(BaseUuid uuid) {
        boolean[] attempted = {false};
        await("base " + uuid + " created").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .ignoreExceptions().until(() -> {
                    boolean retry = attempted[0];
                    attempted[0] = true;
                    int status = api.createBase(uuid).status();
                    return status == 201 || (retry && status == 409);
                });
    }

    private ScenarioResult summarise(Context context, AuditReport report, long durationMillis) {
        int http = 0;
        int socket = 0;
        Map<String, Integer> kinds = new TreeMap<>();
        for (History.ClientError error : context.history.errors()) {
            if (isHttp(error.client())) {
                http++;
            } else {
                socket++;
            }
            kinds.merge(error.kind(), 1, Integer::sum);
        }
        long[] latencies = context.history.acks().stream().mapToLong(a -> a.ackedAt() - a.sentAt()).sorted().toArray();
        long slowMillis = SLOW_REQUEST.toMillis();
        int slow = (int) (context.history.acks().stream()
                .filter(a -> isHttp(a.client()) && a.ackedAt() - a.sentAt() > slowMillis).count()
                + context.history.errors().stream().filter(e -> isHttp(e.client()) && e.tookMillis() > slowMillis).count());
        return new ScenarioResult(context.name, report, http, socket, kinds, recoveryMillis(context), durationMillis,
                percentile(latencies, 0.5), percentile(latencies, 0.99), slow, List.copyOf(context.notes),
                List.copyOf(context.failedExpectations));
    }

    /** The longest stretch, from the fault's start to the end of the load, that any base went without an ack. */
    static long recoveryMillis(Context context) {
        if (context.faultAt < 0) {
            return 0;
        }
        Map<String, List<Long>> times = new HashMap<>();
        long end = context.faultAt;
        for (History.Ack ack : context.history.acks()) {
            if (ack.ackedAt() >= context.faultAt) {
                times.computeIfAbsent(ack.base(), b -> new ArrayList<>()).add(ack.ackedAt());
                end = Math.max(end, ack.ackedAt());
            }
        }
        long worst = 0;
        for (BaseUuid base : context.bases) {
            List<Long> list = times.getOrDefault(base.value(), new ArrayList<>());
            list.sort(Long::compare);
            long previous = context.faultAt;
            for (long t : list) {
                worst = Math.max(worst, t - previous);
                previous = t;
            }
            worst = Math.max(worst, end - previous);
        }
        return worst;
    }

    /** HTTP clients are named {@code …-h<n>}, socket clients {@code …-s<n>}. */
    static boolean isHttp(String client) {
        return client.matches(".*-h\\d+$");
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    static Set<String> names(List<BaseUuid> bases) {
        Set<String> names = new HashSet<>();
        bases.forEach(b -> names.add(b.value()));
        return names;
    }

    /** Which node owns each base now, per the node's own view. */
    Map<String, String> owners(List<BaseUuid> bases) {
        Map<String, String> owners = new HashMap<>();
        for (String node : DevCluster.NODES) {
            JsonNode view = api.nodeView(node).orElse(null);
            if (view == null) {
                continue;
            }
            Set<String> buckets = new HashSet<>();
            view.path("buckets").forEach(b -> buckets.add(b.path("bucket").asString()));
            bases.stream().filter(b -> buckets.contains(b.bucket().hex())).forEach(b -> owners.put(b.value(), node));
        }
        return owners;
    }
}
