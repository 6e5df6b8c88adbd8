package dtable.core.etcd;

import dtable.core.cluster.EtcdKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Small helpers shared by the etcd integration tests: a fresh namespace per test, raw reads and writes. */
final class EtcdTestKeys {

    private EtcdTestKeys() {
    }

    /** A namespace no other test uses, so tests can share one etcd. */
    static EtcdKeys freshNamespace() {
        return new EtcdKeys("/test-" + UUID.randomUUID() + "/");
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    static Optional<KeyValue> get(Client client, String key) throws Exception {
        List<KeyValue> kvs = client.getKVClient().get(bytes(key)).get(5, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
    }

    /** Puts and returns the revision of the put. */
    static long put(Client client, String key, String value) throws Exception {
        return client.getKVClient().put(bytes(key), bytes(value)).get(5, TimeUnit.SECONDS).getHeader().getRevision();
    }

    static long delete(Client client, String key) throws Exception {
        return client.getKVClient().delete(bytes(key)).get(5, TimeUnit.SECONDS).getHeader().getRevision();
    }
}
