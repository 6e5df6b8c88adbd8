package dtable.monitor.failover;

import dtable.core.cluster.EtcdKeys;
import dtable.core.etcd.EtcdClients;
import dtable.core.etcd.EtcdUnavailableException;
import dtable.core.etcd.LeaderGuard;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Revokes a node's lease in two steps: a transaction guarded by the leader's election key reads
 * {@code nodes/{id}} (so only the current leader learns the lease to revoke, at a revision where it still
 * led), then {@code LeaseRevoke}. etcd has no guarded revoke; the gap between the two steps is harmless,
 * because a revocation can only cost a node its buckets, never create a second writer (S1 rests on the
 * MySQL epoch). Thread-safe.
 *
 * @param timeout how long each of the two etcd calls may take
 */
public record EtcdLeaseRevoker(Client client, EtcdKeys keys, Duration timeout) implements LeaseRevoker {

    @Override
    public Outcome revoke(String nodeId, LeaderGuard guard) {
        ByteSequence key = ByteSequence.from(keys.node(nodeId), StandardCharsets.UTF_8);
        TxnResponse read = await(
                client.getKVClient().txn().If(guard.isLeader()).Then(Op.get(key, GetOption.DEFAULT)).commit(),
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
        return EtcdClients.await(future, timeout, what);
    }
}
