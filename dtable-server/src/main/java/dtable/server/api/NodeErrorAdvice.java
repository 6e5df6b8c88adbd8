package dtable.server.api;

import static dtable.web.ErrorAdvice.error;

import dtable.core.error.ErrorBody;
import dtable.model.OperationException;
import dtable.server.base.BaseExistsException;
import dtable.server.base.NotServedHereException;
import dtable.server.cluster.Route;
import dtable.server.storage.OutcomeUnknownException;
import dtable.storage.StorageException;
import dtable.web.ErrorAdvice;
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
 * {@link #answer} gives the same answers without a servlet, for the write port.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class NodeErrorAdvice {

    /**
     * Spring picks this handler when the exception <em>or one of its causes</em> is one of these types, and hands it
     * the exception itself: a {@code BaseUnavailableException} caused by a {@link StorageException} (a failed
     * commit) comes here. So the answer is {@link #answer}'s, which looks at the exception first and at its causes
     * after, and never null (a null answer would be an empty 200).
     */
    @ExceptionHandler({OperationException.class, BaseExistsException.class, OutcomeUnknownException.class,
            StorageException.class, NotServedHereException.class})
    ResponseEntity<String> handleNodeFailure(Exception e) {
        return answer(e, RequestPaths.current());
    }

    /**
     * The answer to a failure of a base request, whatever front received it, in the order Spring's resolution gives
     * the servlet path: the node's own failures, those every service shares ({@link ErrorAdvice#known}), then the
     * node's own failures among its causes (Spring matches this advice by cause, {@link ErrorAdvice}'s catch-all
     * takes every exception itself); anything else is 500 {@code internal_error}. Never null.
     *
     * @param pathAndQuery the request's path and query as received, for a 307's {@code Location}
     */
    public static ResponseEntity<String> answer(Throwable e, String pathAndQuery) {
        ResponseEntity<String> answer = nodeFailure(e, pathAndQuery);
        if (answer == null) {
            answer = ErrorAdvice.known(e);
        }
        for (Throwable cause = e.getCause(); answer == null && cause != null; cause = cause.getCause()) {
            answer = nodeFailure(cause, pathAndQuery);
        }
        return answer != null ? answer : ErrorAdvice.unexpected(e);
    }

    private static ResponseEntity<String> nodeFailure(Throwable e, String pathAndQuery) {
        return switch (e) {
            case OperationException operation -> error(operation.status(), operation.errorType(), operation.getMessage());
            case BaseExistsException exists -> error(409, "dtable_exists", exists.getMessage());
            case OutcomeUnknownException unknown -> error(504, "outcome_unknown",
                    "the operation may or may not have been applied: " + unknown.getMessage());
            case StorageException storage -> error(503, "base_unavailable", storage.getMessage());
            case NotServedHereException elsewhere -> elsewhere(elsewhere, pathAndQuery);
            default -> null;
        };
    }

    private static ResponseEntity<String> elsewhere(NotServedHereException e, String pathAndQuery) {
        if (e.route() instanceof Route.Remote remote) {
            ObjectNode body = new ErrorBody("base_moved", "base is served by " + remote.owner().nodeId()).toObject()
                    .put("node_id", remote.owner().nodeId()).put("node_url", remote.owner().nodeUrl());
            return ResponseEntity.status(307)
                    .header(HttpHeaders.LOCATION, RequestPaths.relocate(remote.owner().nodeUrl(), pathAndQuery))
                    .contentType(MediaType.APPLICATION_JSON).body(Json.write(body));
        }
        return error(503, "base_unavailable", e.getMessage());
    }
}
