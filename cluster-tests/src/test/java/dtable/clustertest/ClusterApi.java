package dtable.clustertest;

import dtable.core.bucket.BaseUuid;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP calls the suite makes besides the write load: the monitor's admin API and cluster view
 * (SPEC §10), the proxy's routing answers (§9), base creation and reads, a node's admin view (§7) and
 * the services' heap from their Prometheus endpoint. Every call carries a token of the cluster's key.
 *
 * <p>Thread-safe (one shared {@link HttpClient}); calls block.
 */
public final class ClusterApi {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern HEAP_LINE =
            Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*}\\s+([0-9.eE+-]+)", Pattern.MULTILINE);

    /** An HTTP answer: status, headers (first value, lower-case names), body. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
        }

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        @Override
        public String toString() {
            return status + " " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
        }
    }

    private final DevCluster cluster;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();

    public ClusterApi(DevCluster cluster) {
        this.cluster = cluster;
    }

    public DevCluster cluster() {
        return cluster;
    }

    HttpClient http() {
        return http;
    }

    // ---- monitor ------------------------------------------------------------------------------------

    /** {@code GET /api/v1/cluster/} of the monitor at {@code monitorUrl}. */
    public JsonNode clusterView(String monitorUrl) {
        Answer answer = call("GET", monitorUrl + "api/v1/cluster/", cluster.internalToken(), null, Duration.ofSeconds(5));
        require(answer, "cluster view");
        return answer.json();
    }

    public JsonNode clusterView() {
        return clusterView(cluster.monitorUrl());
    }

    /** bucket hex → owning node id (null when unassigned), as the monitor sees it. */
    public Map<String, String> bucketMap() {
        Map<String, String> map = new LinkedHashMap<>();
        clusterView().path("map").properties().forEach(e -> map.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asString()));
        return map;
    }

    public int bucketCount(String node) {
        return (int) bucketMap().values().stream().filter(node::equals).count();
    }

    /** The elected monitor's id, as {@code monitorUrl} sees it. */
    public Optional<String> leader(String monitorUrl) {
        JsonNode leader = clusterView(monitorUrl).path("leader");
        return leader.isObject() ? Optional.of(leader.path("monitor_id").asString()) : Optional.empty();
    }

    public Answer rebalance(String monitorUrl) {
        return call("POST", monitorUrl + "rebalance/", cluster.internalToken(), "", Duration.ofSeconds(20));
    }

    public Answer drain(String node) {
        return call("POST", cluster.monitorUrl() + "api/v1/nodes/" + node + "/drain/", cluster.internalToken(), "",
                Duration.ofSeconds(20));
    }

    public Answer undrain(String node) {
        return call("POST", cluster.monitorUrl() + "api/v1/nodes/" + node + "/undrain/", cluster.internalToken(), "",
                Duration.ofSeconds(20));
    }

    // ---- nodes and proxy --------------------------------------------------------------------------

    /** A node's own view ({@code GET /api/v1/admin/node/}): registered, owned buckets, loaded bases. */
    public Optional<JsonNode> nodeView(String node) {
        try {
            Answer answer = call("GET", cluster.nodeUrl(node) + "api/v1/admin/node/", cluster.internalToken(), null,
                    Duration.ofSeconds(3));
            return answer.ok() ? Optional.of(answer.json()) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Buckets the node itself says it serves now (empty when it does not answer). */
    public int servedBuckets(String node) {
        return nodeView(node).map(view -> view.path("buckets").size()).orElse(0);
    }

    /** The proxy's {@code server-info} for a base: {@code node_id, node_url, local_node_url, bucket}. */
    public Answer serverInfo(BaseUuid base, String token) {
        return call("GET", cluster.proxyUrl() + "api/v1/dtables/" + base.value() + "/server-info/", token, null,
                Duration.ofSeconds(5));
    }

    /** Creates a base with the default table through the proxy. */
    public Answer createBase(BaseUuid base) {
        return call("PUT", cluster.proxyUrl() + "api/v1/dtables/" + base.value() + "/", cluster.baseToken(base), "",
                Duration.ofSeconds(30));
    }

    /** The whole base document from {@code serviceUrl} (proxy, node or slave), with an optional query. */
    public Answer readBase(String serviceUrl, BaseUuid base, String query) {
        return call("GET", serviceUrl + "dtables/" + base.value() + (query == null ? "" : "?" + query),
                cluster.baseToken(base), null, Duration.ofSeconds(30));
    }

    // ---- metrics ------------------------------------------------------------------------------------

    /** Heap in use (sum of the heap pools) from the service's {@code /actuator/prometheus}. */
    public OptionalLong heapBytes(String serviceUrl) {
        try {
            Answer answer = call("GET", serviceUrl + "actuator/prometheus", null, null, Duration.ofSeconds(5));
            if (!answer.ok()) {
                return OptionalLong.empty();
            }
            Matcher m = HEAP_LINE.matcher(answer.body());
            double sum = 0;
            boolean any = false;
            while (m.find()) {
                sum += Double.parseDouble(m.group(1));
                any = true;
            }
            return any ? OptionalLong.of((long) sum) : OptionalLong.empty();
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Service name → base URL of every Java service of the copy. */
    public Map<String, String> serviceUrls() {
        Map<String, String> urls = new LinkedHashMap<>();
        for (String node : DevCluster.NODES) {
            urls.put(node, cluster.nodeUrl(node));
        }
        urls.put("proxy", cluster.proxyUrl());
        urls.put("monitor", cluster.monitorUrl());
        urls.put("slave", cluster.slaveUrl());
        return urls;
    }

    // ---- plumbing ---------------------------------------------------------------------------------

    /** One request; {@code body} null for none. I/O failures become {@link IllegalStateException}. */
    public Answer call(String method, String url, String token, String body, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Token " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), firstValues(response), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + method + " " + url, e);
        }
    }

    static Map<String, String> firstValues(HttpResponse<?> response) {
        Map<String, String> headers = new HashMap<>();
        for (Map.Entry<String, List<String>> e : response.headers().map().entrySet()) {
            if (!e.getValue().isEmpty()) {
                headers.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue().get(0));
            }
        }
        return headers;
    }

    private static void require(Answer answer, String what) {
        if (!answer.ok()) {
            throw new IllegalStateException(what + " failed: " + answer);
        }
    }
}
