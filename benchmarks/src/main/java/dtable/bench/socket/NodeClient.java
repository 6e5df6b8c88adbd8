package dtable.bench.socket;

import dtable.core.bucket.BaseUuid;
import dtable.core.token.Permission;
import dtable.core.token.TokenService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generator's REST side against a node or the proxy: creates bases (on a node only in buckets it
 * owns: a {@code 307} means another owner, so another UUID is tried), mints tokens with the cluster's
 * key, probes REST latency and reads {@code operations/} for socket.io's catch-up.
 */
final class NodeClient implements LoadSocket.CatchUp {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TOKEN_TTL = Duration.ofHours(6);

    private final String url;
    private final TokenService tokens;
    private final String internal;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    NodeClient(String url, Path keyFile) throws IOException {
        this.url = url.replaceAll("/+$", "");
        this.tokens = new TokenService(Files.readString(keyFile).strip(), Clock.systemUTC());
        this.internal = tokens.mintInternal(TOKEN_TTL);
    }

    String baseToken(String uuid, String username) {
        return tokens.mintBase(BaseUuid.parse(uuid), username, Permission.READ_WRITE, TOKEN_TTL);
    }

    /** Creates {@code count} empty bases served at the URL; fails after 50 attempts per base. */
    List<String> createBases(int count) throws IOException, InterruptedException {
        List<String> created = new ArrayList<>();
        int attempts = 0;
        while (created.size() < count) {
            if (++attempts > 50 * count) {
                throw new IllegalStateException("could create only " + created.size() + " of " + count
                        + " bases at " + url + " (does this node own any bucket?)");
            }
            String uuid = UUID.randomUUID().toString();
            HttpResponse<String> answer = send("PUT", "/api/v1/dtables/" + uuid + "/", internal);
            if (answer.statusCode() == 201) {
                created.add(uuid);
            } else if (answer.statusCode() != 307 && answer.statusCode() != 503) {
                throw new IllegalStateException("PUT base at " + url + ": " + answer.statusCode() + " " + answer.body());
            }
        }
        return created;
    }

    /** One small read (10 rows of a base); returns its latency in nanoseconds, fails on a non-200. */
    long probe(String uuid) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<String> answer = send("GET", "/api/v1/dtables/" + uuid + "/rows/?table_name=Table1&limit=10", internal);
        long took = System.nanoTime() - start;
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("GET rows: " + answer.statusCode() + " " + answer.body());
        }
        return took;
    }

    /** The base's durable version now ({@code X-Dtable-Version} of its metadata). */
    long version(String uuid) throws IOException, InterruptedException {
        HttpResponse<String> answer = send("GET", "/api/v1/dtables/" + uuid + "/metadata/", internal);
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("GET metadata: " + answer.statusCode() + " " + answer.body());
        }
        return Long.parseLong(answer.headers().firstValue("X-Dtable-Version").orElseThrow());
    }

    /**
     * Reads the log after {@code afterVersion} page by page. A failed read (the base is moving: 503, a
     * timeout) is retried every 0.5 s for up to two minutes, as a client that must reload keeps trying.
     */
    @Override
    public void after(String dtableUuid, String token, long afterVersion, LongConsumer apply) {
        long from = afterVersion;
        long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        String failure = null;
        while (System.nanoTime() < giveUp) {
            try {
                HttpResponse<String> answer = send("GET", "/api/v1/dtables/" + dtableUuid
                        + "/operations/?from_version=" + from + "&limit=1000", token);
                if (answer.statusCode() != 200) {
                    failure = answer.statusCode() + " " + answer.body();
                    TimeUnit.MILLISECONDS.sleep(500);
                    continue;
                }
                long last = from;
                for (JsonNode op : JSON.readTree(answer.body()).path("operations")) {
                    long v = op.path("version").asLong();
                    apply.accept(v);
                    last = Math.max(last, v);
                }
                if (last == from) {
                    return;
                }
                from = last;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                failure = e.toString();
            }
        }
        System.err.println("catch-up of " + dtableUuid + " gave up after 2 minutes: " + failure);
    }

    private HttpResponse<String> send(String method, String path, String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Token " + token).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
