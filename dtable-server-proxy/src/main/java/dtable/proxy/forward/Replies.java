package dtable.proxy.forward;

import dtable.core.error.ErrorBody;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import tools.jackson.databind.json.JsonMapper;

/** JSON answers the proxy gives itself on the forwarding path, in SPEC §7's error shape. Thread-safe. */
final class Replies {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Replies() {
    }

    /** {@code {"error_type","error_msg"}} with {@code status}; 503 carries {@code Retry-After: 1}. */
    static FullHttpResponse error(int status, String errorType, String message) {
        return json(status, new ErrorBody(errorType, message).toObject());
    }

    /** Any JSON body. */
    static FullHttpResponse json(int status, Object body) {
        byte[] bytes = JSON.writeValueAsBytes(body);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(bytes));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (status == 503) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        return response;
    }
}
