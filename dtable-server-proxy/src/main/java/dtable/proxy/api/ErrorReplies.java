package dtable.proxy.api;

import dtable.core.error.ErrorBody;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * SPEC §7's error shape for what Spring's dispatcher answers itself (no such endpoint, wrong method):
 * {@code {"error_type":"not_found","error_msg":"no such endpoint: /x"}} instead of Boot's default
 * error page. Runs before Boot's handler (order -2 &lt; -1).
 */
@Component
@Order(-2)
class ErrorReplies implements WebExceptionHandler {

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        if (!(error instanceof ResponseStatusException status) || response.isCommitted()) {
            return Mono.error(error);
        }
        int code = status.getStatusCode().value();
        String path = exchange.getRequest().getPath().value();
        HttpStatus known = HttpStatus.resolve(code);
        String type = known == null ? "error" : known.name().toLowerCase(Locale.ROOT);
        String message = code == 404 ? "no such endpoint: " + path
                : (status.getReason() != null ? status.getReason() : type.replace('_', ' ')) + ": " + path;
        byte[] bytes = ErrorBody.json(type, message).getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(status.getStatusCode());
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().set(HttpHeaders.CONTENT_LENGTH, Integer.toString(bytes.length));
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }
}
