package dtable.server.api;

import dtable.core.bucket.InvalidBaseUuidException;
import dtable.core.token.TokenException;
import dtable.model.OperationException;
import dtable.server.base.BaseExistsException;
import dtable.server.base.BaseNotFoundException;
import dtable.server.base.BaseUnavailableException;
import dtable.server.base.NotServedHereException;
import dtable.server.cluster.Route;
import dtable.server.storage.OutcomeUnknownException;
import dtable.server.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.databind.node.ObjectNode;

/**
 * Maps every failure to SPEC §7's error shape {@code {"error_type","error_msg"}}: 400 bad input, 401/403
 * tokens, 404 missing, 409 exists, 413 too large, 307 another node serves the base, 503 moving/
 * loading/fenced/storage with {@code Retry-After}.
 */
@RestControllerAdvice
public class ErrorBodies {

    private static final Logger log = LoggerFactory.getLogger(ErrorBodies.class);

    public static ResponseEntity<String> error(int status, String type, String message) {
        ObjectNode body = Json.newObject().put("error_type", type).put("error_msg", message);
        var builder = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
        if (status == 503) {
            builder.header(HttpHeaders.RETRY_AFTER, "1");
        }
        return builder.body(Json.write(body));
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

    @ExceptionHandler(BaseExistsException.class)
    ResponseEntity<String> exists(BaseExistsException e) {
        return error(409, "dtable_exists", e.getMessage());
    }

    @ExceptionHandler(OutcomeUnknownException.class)
    ResponseEntity<String> outcomeUnknown(OutcomeUnknownException e) {
        return error(504, "outcome_unknown", "the operation may or may not have been applied: " + e.getMessage());
    }

    @ExceptionHandler({BaseUnavailableException.class, StorageException.class})
    ResponseEntity<String> unavailable(RuntimeException e) {
        return error(503, "base_unavailable", e.getMessage());
    }

    @ExceptionHandler(NotServedHereException.class)
    ResponseEntity<String> elsewhere(NotServedHereException e) {
        if (e.route() instanceof Route.Remote remote) {
            ObjectNode body = Json.newObject().put("error_type", "base_moved")
                    .put("error_msg", "base is served by " + remote.owner().nodeId())
                    .put("node_id", remote.owner().nodeId()).put("node_url", remote.owner().nodeUrl());
            return ResponseEntity.status(307).header(HttpHeaders.LOCATION, RequestPaths.relocate(remote.owner().nodeUrl()))
                    .contentType(MediaType.APPLICATION_JSON).body(Json.write(body));
        }
        return error(503, "base_unavailable", e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<String> unreadable(HttpMessageNotReadableException e) {
        // a body without a declared length that grows past max_request_bytes fails while Spring reads it
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof LimitedBodyRequest.TooLargeException tooLarge) {
                return error(413, "request_too_large", tooLarge.getMessage());
            }
        }
        return error(400, "invalid_json", "request body is not readable");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<String> missingParameter(MissingServletRequestParameterException e) {
        return error(400, "invalid_parameter", "parameter " + e.getParameterName() + " is required");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<String> badParameter(MethodArgumentTypeMismatchException e) {
        Class<?> type = e.getRequiredType();
        String expected = type == null ? "of another type"
                : Number.class.isAssignableFrom(type) || type.isPrimitive() ? "an integer" : "a " + type.getSimpleName();
        return error(400, "invalid_parameter", "parameter " + e.getName() + " must be " + expected);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<String> method(HttpRequestMethodNotSupportedException e) {
        return error(405, "method_not_allowed", e.getMessage());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<String> mediaType(HttpMediaTypeNotSupportedException e) {
        return error(415, "unsupported_media_type", e.getMessage());
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
