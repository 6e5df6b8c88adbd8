package dtable.proxy.api;

import dtable.core.bucket.BaseUuid;
import dtable.core.error.ErrorBody;
import dtable.core.token.TokenClaims;
import dtable.core.token.TokenException;
import dtable.core.token.TokenService;
import dtable.proxy.apitoken.ApiTokenBackend;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.node.ObjectNode;

/**
 * Shared parts of the proxy's token endpoints: SPEC §7's error shape, token checks, and running the
 * blocking JDBC work off the event loop. Stateless; thread-safe.
 */
final class GatewayReplies {

    private static final Logger log = LoggerFactory.getLogger(GatewayReplies.class);

    private GatewayReplies() {
    }

    /** An answer decided before or during the work: status and {@code error_type}, message for {@code error_msg}. */
    static final class Refusal extends RuntimeException {
        final int status;
        final String type;

        Refusal(int status, String type, String message) {
            super(message);
            this.status = status;
            this.type = type;
        }
    }

    /** Runs {@code work} on the bounded-elastic scheduler and turns refusals and failures into error answers. */
    static Mono<ResponseEntity<Object>> blocking(Callable<Object> work) {
        return Mono.fromCallable(() -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(work.call()))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorResume(GatewayReplies::toAnswer);
    }

    private static Mono<ResponseEntity<Object>> toAnswer(Throwable error) {
        if (error instanceof Refusal refusal) {
            return Mono.just(error(refusal.status, refusal.type, refusal.getMessage()));
        }
        if (error instanceof ApiTokenBackend.Unavailable unavailable) {
            return Mono.just(error(503, "unavailable", unavailable.getMessage()));
        }
        if (error instanceof SQLException sql) {
            log.warn("api token store failed: {}", sql.getMessage());
            return Mono.just(error(503, "database_unavailable", "the token database failed: " + sql.getMessage()));
        }
        return Mono.error(error);
    }

    static ResponseEntity<Object> error(int status, String type, String message) {
        ObjectNode body = new ErrorBody(type, message).toObject();
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
        if (status == 503) {
            builder.header(HttpHeaders.RETRY_AFTER, "1");
        }
        return builder.body(body);
    }

    static BaseUuid base(String text) {
        try {
            return BaseUuid.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "invalid_dtable_uuid", "invalid dtable_uuid");
        }
    }

    /** The {@code Token <x>} of an {@code Authorization} header. */
    static String presented(String authorization) {
        try {
            return TokenService.fromAuthorizationHeader(authorization);
        } catch (TokenException e) {
            throw new Refusal(401, "unauthorized", e.getMessage());
        }
    }

    /** Verified claims of the header's JWT: 401 when missing, malformed, expired or badly signed. */
    static TokenClaims claims(TokenService tokens, String authorization) {
        String token = presented(authorization);
        try {
            return tokens.verify(token);
        } catch (TokenException e) {
            throw new Refusal(401, "unauthorized", e.getMessage());
        }
    }

    /** 401/403 unless the header holds an internal token. */
    static void requireInternal(TokenService tokens, String authorization) {
        if (!claims(tokens, authorization).internal()) {
            throw new Refusal(403, "forbidden", "this endpoint needs an internal token");
        }
    }
}
