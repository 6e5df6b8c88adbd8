package dtable.proxy.forward;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.LinkedHashMap;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/** JSON answers the proxy writes itself on the raw Netty route, in SPEC §7's error shape. Thread-safe. */
public final class Replies {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Replies() {
    }

    /** {@code {"error_type","error_msg"}} with {@code status}; 503 carries {@code Retry-After: 1}. */
    public static Mono<Void> error(HttpServerResponse response, int status, String errorType, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_type", errorType);
        body.put("error_msg", message);
        return json(response, status, body);
    }

    /** Any JSON body. */
    public static Mono<Void> json(HttpServerResponse response, int status, Object body) {
        byte[] bytes = JSON.writeValueAsBytes(body);
        response.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length));
        if (status == 503) {
            response.header(HttpHeaderNames.RETRY_AFTER, "1");
        }
        return response.sendByteArray(Mono.just(bytes)).then();
    }
}
