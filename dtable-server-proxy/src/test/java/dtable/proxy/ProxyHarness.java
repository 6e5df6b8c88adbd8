package dtable.proxy;

import dtable.core.bucket.Bucket;
import dtable.core.cluster.EtcdKeys;
import dtable.core.cluster.NodeInfo;
import dtable.core.cluster.SlaveInfo;
import dtable.core.config.EtcdSettings;
import dtable.core.config.ProxyConfig;
import dtable.core.etcd.ClusterJson;
import dtable.core.etcd.ClusterWatcher;
import dtable.core.etcd.EtcdClients;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A proxy started in-process ({@link ProxyApplication#start}) on a free port against a test etcd,
 * with helpers to write the cluster namespace the way nodes and the monitor do, wait until the
 * proxy has seen a revision, and send HTTP requests to it.
 */
final class ProxyHarness implements AutoCloseable {

    private final Client etcd;
    private final EtcdKeys keys;
    private final ConfigurableApplicationContext context;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final int port;

    private ProxyHarness(Client etcd, EtcdKeys keys, ConfigurableApplicationContext context) {
        this.etcd = etcd;
        this.keys = keys;
        this.context = context;
        this.port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    /**
     * @param prefix a namespace of its own per test class
     * @param args   extra Spring arguments, e.g. {@code --dtable.proxy.response-timeout=1s}
     */
    static ProxyHarness start(List<String> etcdEndpoints, String prefix, Duration retryBudget,
                              Optional<String> slaveUrl, String... args) {
        return start(new ProxyConfig(5550, Optional.empty(), retryBudget, slaveUrl,
                new EtcdSettings(etcdEndpoints, prefix)), args);
    }

    /** A proxy with a complete configuration (private key, MySQL), on a free port. */
    static ProxyHarness start(ProxyConfig config, String... args) {
        List<String> all = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1"));
        all.addAll(List.of(args));
        ConfigurableApplicationContext context = ProxyApplication.start(config, all.toArray(String[]::new));
        return new ProxyHarness(EtcdClients.connect(config.etcd().endpoints()), config.etcd().keys(), context);
    }

    int port() {
        return port;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    ConfigurableApplicationContext context() {
        return context;
    }

    // ---- the cluster namespace ----------------------------------------------------------------

    long register(NodeInfo node) {
        return put(keys.node(node.nodeId()), ClusterJson.toJson(node));
    }

    long registerSlave(SlaveInfo slave) {
        return put(keys.slave(slave.nodeId()), ClusterJson.toJson(slave));
    }

    long unregisterSlave(String nodeId) {
        return delete(keys.slave(nodeId));
    }

    long unregister(String nodeId) {
        return delete(keys.node(nodeId));
    }

    long assign(Bucket bucket, String nodeId) {
        return put(keys.assign(bucket), nodeId);
    }

    /** Registers {@code node}, gives it {@code bucket} and returns once the proxy has seen both. */
    void own(NodeInfo node, Bucket bucket) {
        register(node);
        awaitSeen(assign(bucket, node.nodeId()));
    }

    long unassign(Bucket bucket) {
        return delete(keys.assign(bucket));
    }

    /** Bucket i goes to {@code nodeIds[i % n]}; returns the revision of the last write. */
    long assignRoundRobin(List<String> nodeIds) {
        long revision = 0;
        for (Bucket bucket : Bucket.all()) {
            revision = assign(bucket, nodeIds.get(bucket.index() % nodeIds.size()));
        }
        return revision;
    }

    /** Blocks until the proxy's map includes etcd revision {@code revision}. */
    void awaitSeen(long revision) {
        try {
            context.getBean(ClusterWatcher.class).awaitRevision(revision, Duration.ofSeconds(15));
        } catch (Exception e) {
            throw new AssertionError("proxy did not see revision " + revision, e);
        }
    }

    /** The key as etcd has it now, if present. */
    Optional<KeyValue> etcdGet(String key) {
        try {
            return etcd.getKVClient().get(utf8(key)).get(10, TimeUnit.SECONDS).getKvs().stream().findFirst();
        } catch (Exception e) {
            throw new IllegalStateException("etcd get " + key, e);
        }
    }

    private long put(String key, String value) {
        try {
            return etcd.getKVClient().put(utf8(key), utf8(value)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
        } catch (Exception e) {
            throw new IllegalStateException("etcd put " + key, e);
        }
    }

    private long delete(String key) {
        try {
            return etcd.getKVClient().delete(utf8(key)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
        } catch (Exception e) {
            throw new IllegalStateException("etcd delete " + key, e);
        }
    }

    private static ByteSequence utf8(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    // ---- HTTP ---------------------------------------------------------------------------------

    HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("request to the proxy failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(60)).build(), handler);
        } catch (IOException e) {
            throw new IllegalStateException("request to the proxy failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- metrics ------------------------------------------------------------------------------

    double retries(String reason) {
        Counter counter = context.getBean(MeterRegistry.class).find("dtable.proxy.retries").tag("reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    /** Stops the proxy (idempotent). */
    @Override
    public void close() {
        if (context.isActive()) {
            context.close();
            etcd.close();
        }
    }
}
