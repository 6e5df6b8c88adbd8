package dtable.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.1 calls to a dtable service as its clients make them: {@code Authorization: Token …}, a JSON body
 * when there is one, redirects not followed. Failures to connect are unchecked, so a test reads as a list of
 * calls. Thread-safe.
 */
public final class TokenHttp {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final Duration timeout;

    /** @param timeout how long one call may take before it fails */
    public TokenHttp(Duration timeout) {
        this.timeout = timeout;
    }

    /** {@code method url} with {@code token} (none when null) and {@code body} as JSON (none when null). */
    public HttpResponse<String> send(String method, String url, String token, String body) {
        HttpRequest.Builder builder = request(url, token).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        return send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET with the given extra header (e.g. {@code Accept-Encoding}); the body as it came, not decoded. */
    public HttpResponse<byte[]> getBytes(String url, String token, String header, String value) {
        return send(request(url, token).header(header, value).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Creates base {@code uuid} on the node at {@code nodeUrl} through its REST API, then appends {@code rows}
     * rows to Table1 in one batch, named {@code r0}, {@code r1}…
     *
     * @throws IllegalStateException unless the node answers 201 and then 200
     */
    public void createBase(String nodeUrl, String uuid, String token, int rows) {
        expect(201, send("PUT", nodeUrl + "/api/v1/dtables/" + uuid + "/", token, null));
        if (rows > 0) {
            StringBuilder body = new StringBuilder("{\"table_name\":\"Table1\",\"rows\":[");
            for (int i = 0; i < rows; i++) {
                body.append(i == 0 ? "" : ",").append("{\"Name\":\"r").append(i).append("\"}");
            }
            expect(200, send("POST", nodeUrl + "/api/v1/dtables/" + uuid + "/batch-append-rows/", token,
                    body.append("]}").toString()));
        }
    }

    private static void expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + ", not " + status + ": " + response.body());
        }
    }

    private HttpRequest.Builder request(String url, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        if (token != null) {
            builder.header("Authorization", "Token " + token);
        }
        return builder;
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
