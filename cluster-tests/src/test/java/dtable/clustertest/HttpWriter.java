package dtable.clustertest;

import dtable.core.bucket.BaseUuid;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.node.ObjectNode;

/**
 * A client that appends rows to one base through the proxy ({@code POST /api/v1/dtables/{uuid}/rows/}),
 * one request at a time, each row carrying a payload no other write of the run carries. A 200 with
 * {@code X-Dtable-Version} is recorded as acknowledged; anything else as a client-visible error.
 *
 * <p>The client never retries a failed write: a retried write gets a new payload, so a payload found twice
 * in the log can only come from a retry inside the system (proxy or server) — S2/S3's "no op applied twice".
 *
 * <p>Runs on its own thread until {@link #stop()}; the request in flight is finished (or times out) first.
 */
final class HttpWriter extends ClientWriter {

    /** Longer than the proxy's 60 s response timeout: the client should see the proxy's answer, not its own timeout. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(75);
    /** No designed wait of the system is this long except the 60 s durability timeout: worth thread dumps. */
    private static final Duration SLOW = Duration.ofSeconds(25);

    private final HttpClient http;
    private final String proxyUrl;
    private final Diagnostics diagnostics;

    HttpWriter(HttpClient http, History history, String proxyUrl, BaseUuid base, String token, String clientId,
            long pauseMillis, Diagnostics diagnostics) {
        super(history, base, token, clientId, pauseMillis);
        this.diagnostics = diagnostics;
        this.http = http;
        this.proxyUrl = proxyUrl;
    }

    @Override
    public void run() {
        URI uri = URI.create(proxyUrl + "api/v1/dtables/" + base.value() + "/rows/");
        while (running()) {
            String payload = nextPayload();
            ObjectNode body = ClusterApi.JSON.createObjectNode().put("table_name", "Table1");
            body.putObject("row").put("Name", payload);
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                    .header("Authorization", "Token " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            long sent = history.now();
            try {
                HttpResponse<String> response = send(request, payload);
                long at = history.now();
                String version = response.headers().firstValue("X-Dtable-Version").orElse(null);
                if (response.statusCode() == 200 && version != null) {
                    String node = response.headers().firstValue("X-Dtable-Node").orElse("?");
                    history.ack(new History.Ack(base.value(), Long.parseLong(version), payload, node, clientId, sent, at));
                } else {
                    String text = response.body();
                    error(payload, "http_" + response.statusCode(), text.length() > 200 ? text.substring(0, 200) : text, sent);
                }
            } catch (HttpTimeoutException e) {
                error(payload, "timeout", e.toString(), sent);
            } catch (IOException e) {
                error(payload, "io", e.toString(), sent);
                pause(100); // the proxy itself is down or restarting: do not spin
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            pace();
        }
    }

    /** Sends and waits; a request stuck past {@link #SLOW} triggers the thread dumps, then waits on. */
    private HttpResponse<String> send(HttpRequest request, String payload) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try {
            try {
                return answer.get(SLOW.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                diagnostics.slowRequest(clientId + " " + payload + " to " + base + " waiting for " + SLOW.toSeconds() + " s");
                return answer.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        }
    }
}
