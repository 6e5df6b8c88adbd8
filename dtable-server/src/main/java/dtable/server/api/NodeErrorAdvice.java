package dtable.server.api;

import static dtable.web.ErrorAdvice.error;

import dtable.core.error.ErrorBody;
import dtable.model.OperationException;
import dtable.server.base.BaseExistsException;
import dtable.server.base.NotServedHereException;
import dtable.server.cluster.Route;
import dtable.server.storage.OutcomeUnknownException;
import dtable.storage.StorageException;
import dtable.web.Json;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import tools.jackson.databind.node.ObjectNode;

/**
 * The node's own failures in SPEC §7's error shape: 409 exists, 307 another node serves the base,
 * 503 storage with {@code Retry-After}, 504 outcome unknown. The rest (a missing base 404, an unavailable
 * one 503, bad input, Spring's own errors, anything unexpected) is {@link dtable.web.ErrorAdvice}'s.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class NodeErrorAdvice {

    @ExceptionHandler(OperationException.class)
    ResponseEntity<String> operation(OperationException e) {
        return error(e.status(), e.errorType(), e.getMessage());
    }

    @ExceptionHandler(BaseExistsException.class)
    ResponseEntity<String> exists(BaseExistsException e) {
        return error(409, "dtable_exists", e.getMessage());
    }

    @ExceptionHandler(OutcomeUnknownException.class)
    ResponseEntity<String> outcomeUnknown(OutcomeUnknownException e) {
        return error(504, "outcome_unknown", "the operation may or may not have been applied: " + e.getMessage());
    }

    @ExceptionHandler(StorageException.class)
    ResponseEntity<String> unavailable(StorageException e) {
        return error(503, "base_unavailable", e.getMessage());
    }

    @ExceptionHandler(NotServedHereException.class)
    ResponseEntity<String> elsewhere(NotServedHereException e) {
        if (e.route() instanceof Route.Remote remote) {
            ObjectNode body = new ErrorBody("base_moved", "base is served by " + remote.owner().nodeId()).toObject()
                    .put("node_id", remote.owner().nodeId()).put("node_url", remote.owner().nodeUrl());
            return ResponseEntity.status(307).header(HttpHeaders.LOCATION, RequestPaths.relocate(remote.owner().nodeUrl()))
                    .contentType(MediaType.APPLICATION_JSON).body(Json.write(body));
        }
        return error(503, "base_unavailable", e.getMessage());
    }
}
