package dtable.monitor.api;

import dtable.core.etcd.EtcdUnavailableException;
import dtable.core.token.TokenException;
import dtable.monitor.assignment.DecisionTimeoutException;
import dtable.monitor.assignment.NotLeaderException;
import dtable.monitor.assignment.UnknownNodeException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Maps the monitor's failures to SPEC §7 error JSON: {@code {"error_type", "error_msg"}}. */
@RestControllerAdvice
class ApiExceptionHandler {

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Map<String, Object>> api(ApiException e) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON);
        if (e.status() == 503) {
            builder.header(HttpHeaders.RETRY_AFTER, "1");
        }
        return builder.body(body(e.errorType(), e.getMessage()));
    }

    @ExceptionHandler(TokenException.class)
    ResponseEntity<Map<String, Object>> token(TokenException e) {
        return api(new ApiException(401, "unauthorized", e.getMessage()));
    }

    @ExceptionHandler(UnknownNodeException.class)
    ResponseEntity<Map<String, Object>> unknownNode(UnknownNodeException e) {
        return api(new ApiException(404, "node_not_found", e.getMessage()));
    }

    @ExceptionHandler(NotLeaderException.class)
    ResponseEntity<Map<String, Object>> notLeader(NotLeaderException e) {
        return api(new ApiException(503, "no_leader", e.getMessage() + "; retry shortly"));
    }

    /** etcd unreachable or a decision that did not finish: the caller may retry. */
    @ExceptionHandler({EtcdUnavailableException.class, DecisionTimeoutException.class})
    ResponseEntity<Map<String, Object>> unavailable(RuntimeException e) {
        return api(new ApiException(503, "unavailable", e.getMessage()));
    }

    static Map<String, Object> body(String type, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_type", type);
        body.put("error_msg", message);
        return body;
    }
}
