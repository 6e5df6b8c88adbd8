package dtable.server.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.BaseUuid;
import dtable.core.bucket.Bucket;
import dtable.core.cluster.BucketMap;
import dtable.core.cluster.NodeInfo;
import dtable.model.Base;
import dtable.core.error.BaseNotFoundException;
import dtable.server.base.BaseRegistry;
import dtable.server.base.BaseState;
import dtable.server.base.CoreNode;
import dtable.core.error.BaseUnavailableException;
import dtable.server.base.LoadedBase;
import dtable.server.base.NotServedHereException;
import dtable.server.base.RoomListener;
import dtable.server.cluster.Ownership;
import dtable.server.storage.FencedException;
import dtable.server.storage.ManualOperationLog;
import dtable.server.storage.MemoryBaseStorage;
import dtable.server.storage.OutcomeUnknownException;
import dtable.storage.StorageException;
import dtable.testsupport.SimulationSeeds;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A seeded, deterministic simulation of 2–3 nodes' cores (production {@code Ownership}, {@code BaseRegistry}
 * and {@code LoadedBase}) over one in-memory MySQL ({@link MemoryBaseStorage}), each node with its own
 * {@link ManualOperationLog}: random writes, commits held back for many events (slow commits), bucket moves
 * whose maps reach each node late, releases that run late, lease losses, fenced, refused and unanswered
 * appends, MySQL going away and coming back, snapshots and unloads. After every event it checks:
 * <ul>
 *   <li>S1: a base's log holds one node per epoch and epochs never go back; no two nodes hold live
 *       instances of a base at the same epoch;</li>
 *   <li>S2: every acknowledged write is in the log, at its version, under its instance's epoch;</li>
 *   <li>S3: every base's log is versions 1, 2, 3, … without gap or duplicate;</li>
 *   <li>acks and broadcasts: each instance acknowledges and broadcasts its versions consecutively, in
 *       order, each broadcast equal to the logged operation, and every ack was broadcast;</li>
 * </ul>
 * and at the end, after everything settled, that a base reloaded from MySQL on any node equals the base
 * its owner held in memory. A failure names {@code seed=...}; replay one with {@code -Dnode.sim.seed=<seed>}.
 */
class NodeSimulationTest {

    private static final int SEEDS = Integer.getInteger("node.sim.seeds", 50);
    private static final int EVENTS = Integer.getInteger("node.sim.events", 300);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void randomHistoriesKeepS1ToS3AndTheAckAndBroadcastOrder() {
        List<Long> seeds = SimulationSeeds.of("node.sim.seed", SEEDS, 104_729);
        Stats total = new Stats();
        long cpuStart = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        for (long seed : seeds) {
            World world = new World(seed);
            try {
                world.run(EVENTS);
                world.settleAndCompareReloads();
            } catch (Throwable e) {
                throw new AssertionError("seed=" + seed + " failed at event #" + world.eventNo + " (" + world.lastEvent
                        + "): " + e.getMessage() + "\n  replay: -Dnode.sim.seed=" + seed, e);
            } finally {
                world.close();
            }
            total.add(world.stats);
        }
        long cpuMillis = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart)
                / 1_000_000;
        System.out.printf("node simulation: %d seeds x %d events in %d ms of CPU: %s%n", seeds.size(), EVENTS, cpuMillis,
                total);
        if (!SimulationSeeds.replaying("node.sim.seed")) {
            // the histories must reach the interesting cases, or the checks above prove little
            assertThat(total.acks).isGreaterThan(seeds.size() * 20L);
            assertThat(total.moves).isGreaterThan(seeds.size());
            assertThat(total.fenced).as("stale owners fenced by the epoch").isPositive();
            assertThat(total.unknown).as("outcome_unknown answers").isPositive();
            assertThat(total.unknownButLogged).as("unanswered commits that were durable").isPositive();
            assertThat(total.reloads).as("bases loaded again after a move").isGreaterThan(seeds.size());
            assertThat(total.refusedLoads).as("claims refused under an older token").isPositive();
        }
    }

    @Test
    void sameSeedReplaysTheSameHistory() {
        World a = new World(42);
        World b = new World(42);
        try {
            a.run(EVENTS);
            b.run(EVENTS);
            assertThat(b.stats.toString()).isEqualTo(a.stats.toString());
            for (BaseUuid uuid : a.bases) {
                assertThat(b.storage.log(uuid.value()).size()).isEqualTo(a.storage.log(uuid.value()).size());
                assertThat(b.storage.row(uuid.value()).orElseThrow().ownerEpoch())
                        .isEqualTo(a.storage.row(uuid.value()).orElseThrow().ownerEpoch());
            }
        } finally {
            a.close();
            b.close();
        }
    }

    /** What happened, summed over seeds. */
    static final class Stats {
        long writes;
        long acks;
        long moves;
        long fenced;
        long refused;
        long unknown;
        long unknownButLogged;
        long reloads;
        long refusedLoads;
        long releases;

        void add(Stats o) {
            writes += o.writes;
            acks += o.acks;
            moves += o.moves;
            fenced += o.fenced;
            refused += o.refused;
            unknown += o.unknown;
            unknownButLogged += o.unknownButLogged;
            reloads += o.reloads;
            refusedLoads += o.refusedLoads;
            releases += o.releases;
        }

        @Override
        public String toString() {
            return "writes=" + writes + " acks=" + acks + " moves=" + moves + " releases=" + releases + " fenced=" + fenced
                    + " refused=" + refused + " unknown=" + unknown + " (logged " + unknownButLogged + ") reloads="
                    + reloads + " refusedLoads=" + refusedLoads;
        }
    }

    /** What one in-memory base instance acknowledged and broadcast, in order. */
    static final class Instance {
        final String node;
        final long loadedAt;
        final List<Long> acked = Collections.synchronizedList(new ArrayList<>());
        final List<Long> heard = Collections.synchronizedList(new ArrayList<>());
        final List<String> heardOps = Collections.synchronizedList(new ArrayList<>());
        /** Broadcasts already compared with the log (logged entries never change). */
        int checkedBroadcasts;

        Instance(String node, long loadedAt) {
            this.node = node;
            this.loadedAt = loadedAt;
        }
    }

    /** One simulated node; its releases wait until the world runs them (as NodeRuntime's release thread would). */
    static final class SimNode {
        final String id;
        final ManualOperationLog log;
        final Ownership ownership;
        final BaseRegistry registry;
        final Deque<Set<Bucket>> releases = new ArrayDeque<>();

        SimNode(String id, MemoryBaseStorage storage, Clock clock) {
            CoreNode core = new CoreNode(id, storage, clock);
            core.onLost = (buckets, reason) -> releases.addLast(buckets);
            this.id = id;
            this.log = core.log;
            this.ownership = core.ownership;
            this.registry = core.registry;
        }
    }

    /** One simulated cluster. */
    static final class World implements AutoCloseable {
        final Random rnd;
        final Stats stats = new Stats();
        final MemoryBaseStorage storage = new MemoryBaseStorage();
        final Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
        final List<SimNode> nodes = new ArrayList<>();
        final List<BaseUuid> bases = new ArrayList<>();
        final Map<Bucket, String> owners = new TreeMap<>();
        final Map<Bucket, Long> tokens = new TreeMap<>();
        final Map<LoadedBase, Instance> instances = Collections.synchronizedMap(new IdentityHashMap<>());
        long revision = 10;
        BucketMap map = BucketMap.empty();
        boolean storageDown;
        int eventNo;
        String lastEvent = "start";
        long written;
        final List<String> violations = Collections.synchronizedList(new ArrayList<>());

        World(long seed) {
            this.rnd = new Random(seed);
            int nodeCount = 2 + rnd.nextInt(2);
            for (int i = 1; i <= nodeCount; i++) {
                nodes.add(new SimNode("node-" + i, storage, clock));
            }
            // few buckets, several bases each: moves take several bases along
            int bucketCount = 2 + rnd.nextInt(2);
            for (int b = 0; b < bucketCount; b++) {
                Bucket bucket = Bucket.of(rnd.nextInt(Bucket.COUNT));
                owners.put(bucket, pick(nodes).id);
                tokens.put(bucket, ++revision);
            }
            publishMap();
            nodes.forEach(n -> n.ownership.onMap(map));
            List<Bucket> buckets = List.copyOf(owners.keySet());
            for (int i = 0; i < 4 + rnd.nextInt(4); i++) {
                Bucket bucket = pick(buckets);
                String hex = bucket.hex() + "%030x".formatted(rnd.nextLong() & Long.MAX_VALUE);
                BaseUuid uuid = BaseUuid.parse(hex);
                if (bases.contains(uuid)) {
                    continue;
                }
                bases.add(uuid);
                track(node(owners.get(bucket)).registry.create(uuid, Base.withDefaultTable()));
            }
        }

        void run(int events) {
            for (eventNo = 1; eventNo <= events; eventNo++) {
                step();
                check();
            }
        }

        private void step() {
            if (storageDown && rnd.nextInt(8) == 0) {
                // outages are short: a restart or a failover of MySQL
                storageDown = false;
                storage.down(false);
                lastEvent = "MySQL is back";
                return;
            }
            int r = rnd.nextInt(100);
            SimNode node = pick(nodes);
            if (r < 35) {
                // mostly to the owner the map names now (as the proxy routes), sometimes to a stale or wrong one
                BaseUuid uuid = pick(bases);
                write(rnd.nextInt(4) > 0 ? node(owners.get(uuid.bucket())) : node, uuid);
            } else if (r < 58) {
                int n = 1 + rnd.nextInt(3);
                lastEvent = "commit " + n + " on " + node.id;
                for (int i = 0; i < n; i++) {
                    node.log.commitNext();
                }
            } else if (r < 64) {
                appendFault(node);
            } else if (r < 71) {
                moveBucket();
            } else if (r < 80) {
                lastEvent = "map r" + map.revision() + " reaches " + node.id;
                node.ownership.onMap(map);
            } else if (r < 88) {
                runRelease(node);
            } else if (r < 90) {
                lastEvent = "lease lost on " + node.id;
                node.ownership.onLeaseLost("simulated");
            } else if (r < 93) {
                lastEvent = "registered again: " + node.id;
                node.ownership.onRegistered();
            } else if (r < 95) {
                storageDown = true;
                lastEvent = "MySQL goes away";
                storage.down(true);
            } else {
                snapshotOrUnload(node);
            }
        }

        private void write(SimNode node, BaseUuid uuid) {
            String value = "w" + (++written);
            lastEvent = "write " + value + " to " + uuid + " on " + node.id;
            LoadedBase base;
            try {
                base = node.registry.acquire(uuid);
            } catch (NotServedHereException | BaseNotFoundException e) {
                return;
            } catch (BaseUnavailableException e) {
                stats.refusedLoads++;
                return;
            } catch (StorageException e) {
                return; // MySQL is down: the load fails, nothing changed
            }
            Instance instance = track(base);
            ObjectNode op = JSON.createObjectNode().put("op_type", "insert_row").put("table_id", "0000");
            op.putObject("row_data").put("0000", value);
            LoadedBase.Committed<Void> committed;
            try {
                committed = base.execute(model -> op, "sim", "sim", node.id, written, null);
            } catch (BaseUnavailableException e) {
                return; // failed or unloaded meanwhile
            }
            stats.writes++;
            long version = committed.version();
            committed.durable().whenComplete((ok, error) -> {
                if (error == null) {
                    onAck(base, instance, version, value);
                } else {
                    onRefused(base, version, error instanceof CompletionException c ? c.getCause() : error);
                }
            });
        }

        /** Runs on the completing thread, as the answer to the client would. */
        private void onAck(LoadedBase base, Instance instance, long version, String value) {
            stats.acks++;
            // an assertion thrown here would vanish into the future: the next check() reports it
            var logged = storage.log(base.uuid().value()).stream().filter(e -> e.operation().version() == version)
                    .findFirst();
            if (logged.isEmpty() || logged.get().epoch() != base.epoch()
                    || !logged.get().operation().operation().contains("\"" + value + "\"")) {
                violations.add("S2: acknowledged version " + version + " of " + base + " (" + value
                        + ") is not in the log as acknowledged: " + logged);
            }
            instance.acked.add(version);
        }

        private void onRefused(LoadedBase base, long version, Throwable cause) {
            if (cause instanceof FencedException) {
                stats.fenced++;
            } else if (cause instanceof OutcomeUnknownException) {
                stats.unknown++;
                if (storage.log(base.uuid().value()).stream().anyMatch(e -> e.operation().version() == version
                        && e.epoch() == base.epoch())) {
                    stats.unknownButLogged++;
                }
            } else {
                stats.refused++;
            }
        }

        private void appendFault(SimNode node) {
            int kind = rnd.nextInt(4);
            lastEvent = "append fault " + kind + " on " + node.id;
            switch (kind) {
                case 0 -> node.log.fenceNext();
                case 1 -> node.log.refuseNext();
                default -> node.log.loseAnswerOfNext(kind == 3);
            }
        }

        private void moveBucket() {
            Bucket bucket = pick(List.copyOf(owners.keySet()));
            List<SimNode> others = nodes.stream().filter(n -> !n.id.equals(owners.get(bucket))).toList();
            SimNode to = pick(others);
            lastEvent = "move " + bucket + " from " + owners.get(bucket) + " to " + to.id;
            owners.put(bucket, to.id);
            tokens.put(bucket, ++revision);
            publishMap();
            stats.moves++;
            // the new owner usually hears first; the old one later (its map event or release comes later)
            if (rnd.nextInt(3) > 0) {
                to.ownership.onMap(map);
            }
        }

        private void runRelease(SimNode node) {
            Set<Bucket> buckets = node.releases.pollFirst();
            if (buckets == null) {
                lastEvent = "no release pending on " + node.id;
                return;
            }
            // a snapshot would wait (up to a minute) for appends this world has not committed yet
            boolean waitsForCommits = bases.stream().anyMatch(b -> buckets.contains(b.bucket())
                    && node.log.hasQueued(b.value()));
            boolean snapshot = !waitsForCommits && !storageDown && rnd.nextBoolean();
            lastEvent = "release " + buckets + " on " + node.id + (snapshot ? " with" : " without") + " snapshots";
            node.registry.releaseBuckets(buckets, "simulated move", snapshot);
            stats.releases++;
        }

        private void snapshotOrUnload(SimNode node) {
            List<LoadedBase> idle = node.registry.loadedBases().stream()
                    .filter(b -> !node.log.hasQueued(b.uuid().value())).toList();
            if (idle.isEmpty() || storageDown) {
                lastEvent = "nothing to snapshot on " + node.id;
                return;
            }
            LoadedBase base = pick(idle);
            if (rnd.nextBoolean()) {
                lastEvent = "snapshot " + base.uuid() + " on " + node.id;
                node.registry.saveSnapshot(base);
            } else {
                lastEvent = "idle unload " + base.uuid() + " on " + node.id;
                node.registry.unload(base, "idle");
            }
        }

        private Instance track(LoadedBase base) {
            return instances.computeIfAbsent(base, b -> {
                if (b.durableVersion() > 0) {
                    stats.reloads++;
                }
                Instance instance = new Instance(nodeOf(b), b.durableVersion());
                b.join(new RoomListener() {
                    @Override
                    public void onOperation(long version, ObjectNode operation, String author, Object origin, long seq) {
                        instance.heard.add(version);
                        instance.heardOps.add(operation.toString());
                    }

                    @Override
                    public void onBaseMoved(String ownerUrl) {
                    }

                    @Override
                    public void onBaseDeleted() {
                    }
                });
                return instance;
            });
        }

        private String nodeOf(LoadedBase base) {
            for (SimNode n : nodes) {
                if (n.registry.get(base.uuid()).orElse(null) == base) {
                    return n.id;
                }
            }
            return "?";
        }

        /** S1–S3 and the ack and broadcast order, after every event (plain checks: this runs ~10^5 times). */
        void check() {
            if (!violations.isEmpty()) {
                throw new AssertionError(violations.getFirst());
            }
            for (BaseUuid uuid : bases) {
                var log = storage.log(uuid.value());
                long rowEpoch = storage.row(uuid.value()).orElseThrow().ownerEpoch();
                Map<Long, String> nodeOfEpoch = new TreeMap<>();
                long lastEpoch = 0;
                for (int i = 0; i < log.size(); i++) {
                    var e = log.get(i);
                    require(e.operation().version() == i + 1, "S3: %s's log is 1, 2, 3, ... without gaps: %s at %s",
                            uuid, e.operation().version(), i);
                    require(e.node().equals(e.rowOwner()) && e.epoch() == e.rowEpoch(),
                            "S1: %s version %s committed by %s at epoch %s while %s held epoch %s", uuid, i + 1, e.node(),
                            e.epoch(), e.rowOwner(), e.rowEpoch());
                    require(e.epoch() >= lastEpoch, "S1: epochs in %s's log go back at version %s", uuid, i + 1);
                    require(e.epoch() <= rowEpoch, "S1: %s committed under epoch %s, newer than the row's", uuid, e.epoch());
                    lastEpoch = e.epoch();
                    String before = nodeOfEpoch.putIfAbsent(e.epoch(), e.node());
                    require(before == null || before.equals(e.node()), "S1: two nodes committed %s at epoch %s", uuid,
                            e.epoch());
                }
                Set<Long> liveEpochs = new TreeSet<>();
                for (SimNode n : nodes) {
                    LoadedBase b = n.registry.get(uuid).orElse(null);
                    if (b != null && b.state() == BaseState.ACTIVE) {
                        require(liveEpochs.add(b.epoch()), "S1: two live instances of %s at epoch %s", uuid, b.epoch());
                    }
                }
            }
            synchronized (instances) {
                for (var entry : instances.entrySet()) {
                    checkInstance(entry.getKey(), entry.getValue());
                }
            }
        }

        private static void require(boolean holds, String what, Object... args) {
            if (!holds) {
                throw new AssertionError(what.formatted(args));
            }
        }

        private void checkInstance(LoadedBase base, Instance instance) {
            List<Long> heard = List.copyOf(instance.heard);
            List<Long> acked = List.copyOf(instance.acked);
            assertConsecutive(heard, instance.loadedAt, "broadcasts of " + base);
            assertConsecutive(acked, instance.loadedAt, "acks of " + base);
            require(heard.size() >= acked.size(), "every ack of %s was broadcast: acks %s, broadcasts %s", base, acked,
                    heard);
            if (instance.checkedBroadcasts == heard.size()) {
                return;
            }
            var log = storage.log(base.uuid().value());
            for (int i = instance.checkedBroadcasts; i < heard.size(); i++) {
                long version = heard.get(i);
                require(version <= log.size(), "S2: %s broadcast version %s, which is not in the log", base, version);
                var logged = log.get((int) (version - 1));
                require(logged.epoch() == base.epoch(), "%s broadcast version %s of another epoch", base, version);
                require(JSON.readTree(instance.heardOps.get(i)).equals(JSON.readTree(logged.operation().operation())),
                        "S3: %s's broadcast of version %s differs from the log", base, version);
            }
            instance.checkedBroadcasts = heard.size();
        }

        private static void assertConsecutive(List<Long> versions, long after, String what) {
            for (int i = 0; i < versions.size(); i++) {
                require(versions.get(i) == after + 1 + i, "%s: in order, without gaps, from %s: %s", what, after + 1,
                        versions);
            }
        }

        /**
         * Lets everything settle (MySQL back, every append answered, every map and release delivered), then
         * reloads every base from MySQL on its owner and on another node: each equals the owner's memory.
         */
        void settleAndCompareReloads() {
            lastEvent = "settle";
            storage.down(false);
            storageDown = false;
            for (SimNode n : nodes) {
                n.ownership.onRegistered();
                n.ownership.onMap(map);
                n.log.commitAll();
                while (!n.releases.isEmpty()) {
                    n.registry.releaseBuckets(n.releases.pollFirst(), "settle", true);
                }
            }
            check();
            for (BaseUuid uuid : bases) {
                lastEvent = "compare reloads of " + uuid;
                SimNode owner = node(owners.get(uuid.bucket()));
                String inMemory = settledRead(owner, uuid);
                owner.registry.unload(owner.registry.get(uuid).orElseThrow(), "compare");
                assertThat(settledRead(owner, uuid)).as("S3: %s reloaded from snapshot + log", uuid).isEqualTo(inMemory);
                SimNode other = pick(nodes.stream().filter(n -> n != owner).toList());
                Bucket bucket = uuid.bucket();
                owners.put(bucket, other.id);
                tokens.put(bucket, ++revision);
                publishMap();
                nodes.forEach(n -> n.ownership.onMap(map));
                while (!owner.releases.isEmpty()) {
                    owner.registry.releaseBuckets(owner.releases.pollFirst(), "compare", true);
                }
                assertThat(settledRead(other, uuid)).as("S3: %s as the next owner reads it", uuid).isEqualTo(inMemory);
            }
        }

        private String settledRead(SimNode node, BaseUuid uuid) {
            LoadedBase base = node.registry.acquire(uuid);
            track(base);
            node.log.commitAll();
            assertThat(base.durableVersion()).as("%s holds everything the log holds", uuid)
                    .isEqualTo(storage.log(uuid.value()).size());
            return base.readFrozen(frozen -> {
                var out = new java.io.ByteArrayOutputStream();
                frozen.write(out);
                return out.toString(java.nio.charset.StandardCharsets.UTF_8);
            });
        }

        private void publishMap() {
            BucketMap.Builder builder = BucketMap.empty().toBuilder().revision(revision);
            for (SimNode n : nodes) {
                builder.node(new NodeInfo(n.id, "http://" + n.id + "/", "http://" + n.id + "/", "now"));
            }
            owners.forEach((bucket, owner) -> builder.owner(bucket, owner, tokens.get(bucket)));
            map = builder.build();
        }

        private SimNode node(String id) {
            return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
        }

        private <T> T pick(List<T> items) {
            return items.get(rnd.nextInt(items.size()));
        }

        @Override
        public void close() {
            nodes.forEach(n -> n.log.close());
        }
    }
}
