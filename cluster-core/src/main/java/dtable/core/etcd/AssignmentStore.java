package dtable.core.etcd;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.EtcdKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor leader's access to {@code assign/} and {@code draining/} (SPEC §3, §10).
 *
 * <p>Every write is an etcd transaction whose only condition is the leader's {@link LeaderGuard}
 * (its election key still exists with the same create revision), so a deposed leader's write
 * changes nothing. Writes return {@link OptionalLong}: the etcd header revision of the last
 * transaction when every transaction committed (the revision a {@link ClusterWatcher} can be
 * awaited at), or empty when a guard failed, i.e. this process is no longer the leader. Reads are
 * unguarded and linearizable. etcd failures (timeout, no leader) throw
 * {@link EtcdUnavailableException}; a write that timed out may still have committed, so the caller
 * re-reads before deciding again (every write is idempotent: it sets absolute values). Stateless apart from the client; thread-safe.
 */
public final class AssignmentStore {

    /** Puts per transaction: below etcd's default {@code --max-txn-ops} of 128 with room to spare. */
    public static final int MAX_PUTS_PER_TXN = 100;

    private static final Logger log = LoggerFactory.getLogger(AssignmentStore.class);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final Client client;
    private final EtcdKeys keys;
    private final Duration timeout;

    public AssignmentStore(Client client, EtcdKeys keys) {
        this(client, keys, DEFAULT_TIMEOUT);
    }

    /** @param timeout how long one etcd request may take before {@link EtcdUnavailableException} */
    public AssignmentStore(Client client, EtcdKeys keys, Duration timeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Writes exactly the given {@code assign/{xx}} keys (a null owner deletes the key), in bucket
     * order, at most {@value #MAX_PUTS_PER_TXN} per transaction, each guarded by {@code guard}.
     * Stops at the first transaction whose guard fails: earlier transactions stay committed (the
     * next leader starts from what etcd holds), no later one is sent.
     *
     * @return the header revision of the last transaction; {@code OptionalLong.of(0)} when
     *         {@code changes} is empty (nothing sent); empty when a guard failed
     */
    public OptionalLong writeAssignments(Map<Bucket, String> changes, LeaderGuard guard) {
        Objects.requireNonNull(guard, "guard");
        List<Op> ops = new ArrayList<>();
        for (Map.Entry<Bucket, String> change : new TreeMap<>(changes).entrySet()) {
            ByteSequence key = bytes(keys.assign(change.getKey()));
            String owner = change.getValue();
            ops.add(owner == null ? Op.delete(key, DeleteOption.DEFAULT) : Op.put(key, bytes(owner), PutOption.DEFAULT));
        }
        long revision = 0;
        for (int from = 0; from < ops.size(); from += MAX_PUTS_PER_TXN) {
            List<Op> chunk = ops.subList(from, Math.min(ops.size(), from + MAX_PUTS_PER_TXN));
            TxnResponse response = guarded(guard, chunk.toArray(Op[]::new));
            if (!response.isSucceeded()) {
                log.warn("leader guard {} failed after {} of {} assignment changes: not the leader any more",
                        guard.createRevision(), from, ops.size());
                return OptionalLong.empty();
            }
            revision = response.getHeader().getRevision();
        }
        return OptionalLong.of(revision);
    }

    /**
     * Marks ({@code draining = true}, value {@code sinceJson}, no lease) or unmarks (deletes the
     * key) a node as draining, guarded by {@code guard}.
     *
     * @return the header revision of the transaction, or empty when the guard failed
     */
    public OptionalLong setDraining(String nodeId, boolean draining, String sinceJson, LeaderGuard guard) {
        Objects.requireNonNull(guard, "guard");
        ByteSequence key = bytes(keys.draining(Objects.requireNonNull(nodeId, "nodeId")));
        Op op = draining
                ? Op.put(key, bytes(Objects.requireNonNull(sinceJson, "sinceJson")), PutOption.DEFAULT)
                : Op.delete(key, DeleteOption.DEFAULT);
        TxnResponse response = guarded(guard, op);
        return response.isSucceeded() ? OptionalLong.of(response.getHeader().getRevision()) : OptionalLong.empty();
    }

    /**
     * Writes {@code {ns}generation} = {@code generation}, guarded by {@code guard}. The caller has advanced
     * MySQL's counter to this value first (the monitor's generation keeper).
     *
     * @return the header revision of the transaction, or empty when the guard failed
     */
    public OptionalLong writeGeneration(long generation, LeaderGuard guard) {
        Objects.requireNonNull(guard, "guard");
        if (generation < 1 || generation > dtable.core.cluster.FencingToken.MAX_GENERATION) {
            throw new IllegalArgumentException("generation out of range: " + generation);
        }
        TxnResponse response = guarded(guard, Op.put(bytes(keys.generation()), bytes(Long.toString(generation)), PutOption.DEFAULT));
        return response.isSucceeded() ? OptionalLong.of(response.getHeader().getRevision()) : OptionalLong.empty();
    }

    /**
     * Linearizable reads of {@code {ns}generation} and of the newest {@code assign/} key:
     * {@code [generation, header revision, highest mod revision of an assign/ key]}, generation 0 when the key
     * is absent or not a number. {@code assign/} keys are overwritten, never deleted, so within one etcd
     * history every assignment token ever handed out is at most that highest mod revision.
     */
    public long[] readGeneration() {
        long assignRevision = newestModRevision(keys.assignPrefix(), "read of the newest assignment");
        GetResponse response = await(client.getKVClient().get(bytes(keys.generation())), "read of the generation");
        long generation = 0;
        if (!response.getKvs().isEmpty()) {
            try {
                generation = Math.max(0, Long.parseLong(response.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8).trim()));
            } catch (NumberFormatException e) {
                log.warn("ignoring malformed {}", keys.generation());
            }
        }
        return new long[] {generation, response.getHeader().getRevision(), assignRevision};
    }

    /**
     * The highest mod revision among the namespace's keys (0 when it is empty): a watcher of the namespace
     * (which only advances on changes inside it) reaches it once it has every put made so far, in particular
     * every {@code assign/} write of an earlier leader. etcd's head revision would not do: it also counts
     * writes outside the namespace, which the watcher never sees.
     */
    public long readNamespaceRevision() {
        return newestModRevision(keys.namespace(), "read of the namespace revision");
    }

    /** The current {@code assign/} keys as bucket → owner; keys that are not a bucket are skipped. */
    public Map<Bucket, String> readAssignments() {
        Map<Bucket, String> map = new TreeMap<>();
        for (KeyValue kv : readPrefix(keys.assignPrefix())) {
            String hex = EtcdKeys.suffix(kv.getKey().toString(StandardCharsets.UTF_8), keys.assignPrefix());
            try {
                map.put(Bucket.of(hex), kv.getValue().toString(StandardCharsets.UTF_8).trim());
            } catch (IllegalArgumentException e) {
                log.warn("ignoring assignment key with an invalid bucket: {}", hex);
            }
        }
        return map;
    }

    /** The node ids with a {@code draining/} key. */
    public Set<String> readDraining() {
        Set<String> draining = new TreeSet<>();
        for (KeyValue kv : readPrefix(keys.drainingPrefix())) {
            draining.add(EtcdKeys.suffix(kv.getKey().toString(StandardCharsets.UTF_8), keys.drainingPrefix()));
        }
        return draining;
    }

    private TxnResponse guarded(LeaderGuard guard, Op... ops) {
        return await(client.getKVClient().txn().If(guard.isLeader()).Then(ops).commit(), "guarded transaction");
    }

    /** The mod revision of the newest key under {@code prefix}, 0 when there is none; reads keys only, one of them. */
    private long newestModRevision(String prefix, String what) {
        GetResponse newest = await(client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true)
                .withKeysOnly(true).withSortField(GetOption.SortTarget.MOD).withSortOrder(GetOption.SortOrder.DESCEND)
                .withLimit(1).build()), what);
        return newest.getKvs().isEmpty() ? 0 : newest.getKvs().get(0).getModRevision();
    }

    private List<KeyValue> readPrefix(String prefix) {
        return await(client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build()),
                "read of " + prefix).getKvs();
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        return EtcdClients.await(future, timeout, what);
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
