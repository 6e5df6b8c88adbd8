package dtable.web;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.error.ErrorType;
import dtable.core.token.TokenException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;

/**
 * The shared web plumbing in a real servlet container, wired as the services wire it: every failure,
 * Spring's own included, is answered as {@code {"error_type","error_msg"}}.
 */
@SpringBootTest(classes = ServiceWebTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ServiceWebTest {

    private static final long LIMIT = 64;

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import({WebConfiguration.class, Endpoints.class})
    static class App {
        @Bean
        FilterRegistrationBean<NodeHeaderFilter> nodeHeader() {
            return NodeHeaderFilter.registration("node-t");
        }

        @Bean
        FilterRegistrationBean<BodyLimitFilter> bodyLimit() {
            return BodyLimitFilter.registration(LIMIT);
        }
    }

    @RestController
    static class Endpoints {
        @GetMapping("/count")
        String count(@RequestParam int n) {
            return "n=" + n;
        }

        @PostMapping("/body")
        String body(@RequestBody(required = false) byte[] body) {
            return Json.object(body).toString();
        }

        @PostMapping("/typed")
        String typed(@RequestBody JsonNode body) {
            return body.toString();
        }

        @GetMapping("/header")
        String header(@RequestHeader("X-Need") String need) {
            return need;
        }

        @GetMapping("/stream")
        SseEmitter stream() throws java.io.IOException {
            SseEmitter emitter = new SseEmitter(300L);
            emitter.send(SseEmitter.event().name("hello").data("hi"));
            return emitter;
        }

        @GetMapping("/fail")
        String fail(@RequestParam String how) {
            switch (how) {
                case "api" -> throw new ApiException(ErrorType.BASE_UNAVAILABLE, "moving");
                case "token" -> throw new TokenException(TokenException.Kind.MALFORMED, "token expired");
                default -> throw new IllegalStateException("boom");
            }
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    org.springframework.context.ApplicationContext context;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    private static void assertError(HttpResponse<String> r, int status, String type, String message) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.get("error_type").asString()).isEqualTo(type);
        assertThat(body.get("error_msg").asString()).contains(message);
        assertThat(r.headers().firstValue("X-Dtable-Node")).hasValue("node-t");
    }

    @Test
    void pingAnswersPongWithTheNodeHeader() throws Exception {
        HttpResponse<String> r = send(at("/ping/"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("pong");
        assertThat(r.headers().firstValue("X-Dtable-Node")).hasValue("node-t");
    }

    @Test
    void springsOwnErrorsAreJson() throws Exception {
        assertError(send(at("/no/such/thing")), 404, "not_found", "no such endpoint");
        assertError(send(at("/ping/").DELETE()), 405, "method_not_allowed", "DELETE");
        assertError(send(at("/count")), 400, "invalid_parameter", "parameter n is required");
        assertError(send(at("/count?n=x")), 400, "invalid_parameter", "parameter n must be an integer");
        assertError(send(at("/typed").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{nope"))), 400, "invalid_json", "not readable");
        assertError(send(at("/typed").header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("a,b"))), 415, "unsupported_media_type", "text/csv");
    }

    @Test
    void springsOtherRefusalsKeepTheirStatusInOurShape() throws Exception {
        assertError(send(at("/header")), 400, "bad_request", "X-Need");
    }

    @Test
    void aStreamThatTimesOutEndsWithoutAnErrorBodyAppended() throws Exception {
        HttpResponse<String> r = send(at("/stream"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("data:hi").doesNotContain("error_type");
    }

    @Test
    void exceptionsBecomeTheirAnswers() throws Exception {
        HttpResponse<String> unavailable = send(at("/fail?how=api"));
        assertError(unavailable, 503, "base_unavailable", "moving");
        assertThat(unavailable.headers().firstValue("Retry-After")).hasValue("1");
        assertError(send(at("/fail?how=token")), 401, "token_invalid", "token expired");
        assertError(send(at("/fail?how=other")), 500, "internal_error", "IllegalStateException");
    }

    @Test
    void bodiesOverTheLimitGet413WithOrWithoutADeclaredLength() throws Exception {
        String big = "{\"a\":\"" + "x".repeat((int) LIMIT) + "\"}";
        assertError(send(at("/body").POST(HttpRequest.BodyPublishers.ofString(big))), 413, "request_too_large",
                "max_request_bytes (64)");
        // no Content-Length: the stream fails once it passes the limit
        byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
        assertError(send(at("/body").POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))),
                413, "request_too_large", "max_request_bytes (64)");
        HttpResponse<String> small = send(at("/body").POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")));
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(small.body()).isEqualTo("{\"a\":1}");
    }

    @Test
    void aFormEncodedBodyIsReadAsJson() throws Exception {
        HttpResponse<String> r = send(at("/body").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":\"b c\"}")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"a\":\"b c\"}");
    }

    @Test
    void noClassOfTheSharedPlumbingIsRegisteredTwice() {
        assertThat(context.getBeansOfType(ErrorAdvice.class)).hasSize(1);
        assertThat(context.getBeansOfType(PingController.class)).hasSize(1);
    }
}
