package dtable.monitor.failover;

import dtable.core.cluster.EtcdKeys;
import dtable.core.etcd.EtcdUnavailableException;
import dtable.core.etcd.LeaderGuard;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Revokes a node's lease in two steps: a transaction guarded by the leader's election key reads
 * {@code nodes/{id}} (so only the current leader learns the lease to revoke, at a revision where it still
 * led), then {@code LeaseRevoke}. etcd has no guarded revoke; the gap between the two steps is harmless,
 * because a revocation can only cost a node its buckets, never create a second writer (S1 rests on the
 * MySQL epoch). Thread-safe.
 */
public final class EtcdLeaseRevoker implements LeaseRevoker {

    private final Client client;
    private final EtcdKeys keys;
    private final Duration timeout;

    public EtcdLeaseRevoker(Client client, EtcdKeys keys, Duration timeout) {
        this.client = client;
        this.keys = keys;
        this.timeout = timeout;
    }

    @Override
    public Outcome revoke(String nodeId, LeaderGuard guard) {
        ByteSequence key = ByteSequence.from(keys.node(nodeId), StandardCharsets.UTF_8);
        Cmp isLeader = new Cmp(guard.key(), Cmp.Op.EQUAL, CmpTarget.createRevision(guard.createRevision()));
        TxnResponse read = await(client.getKVClient().txn().If(isLeader).Then(Op.get(key, GetOption.DEFAULT)).commit(),
                "guarded read of " + keys.node(nodeId));
        if (!read.isSucceeded()) {
            return Outcome.NOT_LEADER;
        }
        List<KeyValue> kvs = read.getGetResponses().isEmpty() ? List.of() : read.getGetResponses().get(0).getKvs();
        if (kvs.isEmpty() || kvs.get(0).getLease() == 0) {
            return Outcome.ALREADY_GONE;
        }
        long lease = kvs.get(0).getLease();
        try {
            await(client.getLeaseClient().revoke(lease), "revoke of lease " + Long.toHexString(lease));
            return Outcome.REVOKED;
        } catch (EtcdUnavailableException e) {
            if (e.getCause() instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND) {
                return Outcome.ALREADY_GONE;
            }
            throw e;
        }
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EtcdUnavailableException(what + " interrupted", e);
        } catch (ExecutionException e) {
            throw new EtcdUnavailableException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new EtcdUnavailableException(what + " timed out after " + timeout, e);
        }
    }
}
