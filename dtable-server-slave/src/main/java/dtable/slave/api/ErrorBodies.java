package dtable.slave.api;

import dtable.core.bucket.InvalidBaseUuidException;
import dtable.core.token.TokenException;
import dtable.model.OperationException;
import dtable.slave.cache.BaseNotFoundException;
import dtable.slave.cache.BaseUnavailableException;
import dtable.slave.storage.StorageUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Maps failures to the dtable-server's error shape {@code {"error_type","error_msg"}} with the same
 * types and statuses: 400 bad input, 401/403 tokens, 404 base/table/row, 405 writes, 503 storage
 * ({@code Retry-After}).
 */
@RestControllerAdvice
public class ErrorBodies {

    private static final Logger log = LoggerFactory.getLogger(ErrorBodies.class);

    public static ResponseEntity<String> error(int status, String type, String message) {
        var builder = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
        if (status == 503) {
            builder.header(HttpHeaders.RETRY_AFTER, "1");
        }
        return builder.body(Json.write(Json.newObject().put("error_type", type).put("error_msg", message)));
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<String> api(ApiException e) {
        return error(e.status(), e.errorType(), e.getMessage());
    }

    @ExceptionHandler(InvalidBaseUuidException.class)
    ResponseEntity<String> badUuid(InvalidBaseUuidException e) {
        return error(400, "invalid_dtable_uuid", e.getMessage());
    }

    @ExceptionHandler(OperationException.class)
    ResponseEntity<String> operation(OperationException e) {
        return error(e.status(), e.errorType(), e.getMessage());
    }

    @ExceptionHandler(TokenException.class)
    ResponseEntity<String> token(TokenException e) {
        return error(401, "token_invalid", e.getMessage());
    }

    @ExceptionHandler(BaseNotFoundException.class)
    ResponseEntity<String> notFound(BaseNotFoundException e) {
        return error(404, "dtable_not_found", e.getMessage());
    }

    @ExceptionHandler({BaseUnavailableException.class, StorageUnavailableException.class})
    ResponseEntity<String> unavailable(RuntimeException e) {
        log.warn("read failed: {}", e.getMessage());
        return error(503, "base_unavailable", e.getMessage());
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
    ResponseEntity<String> badParameter(Exception e) {
        return error(400, "invalid_parameter", e.getMessage());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<String> method(HttpRequestMethodNotSupportedException e) {
        return error(405, "method_not_allowed", e.getMessage());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<String> noResource(NoResourceFoundException e) {
        return error(404, "not_found", "no such endpoint: " + e.getResourcePath());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<String> unexpected(Exception e) {
        log.error("unexpected error", e);
        return error(500, "internal_error", "internal error: " + e.getClass().getSimpleName());
    }
}
