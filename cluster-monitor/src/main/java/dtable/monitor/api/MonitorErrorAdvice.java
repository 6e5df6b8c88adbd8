package dtable.monitor.api;

import static dtable.web.ErrorAdvice.error;

import dtable.core.etcd.EtcdUnavailableException;
import dtable.core.token.TokenException;
import dtable.monitor.assignment.DecisionTimeoutException;
import dtable.monitor.assignment.NotLeaderException;
import dtable.monitor.assignment.UnknownNodeException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The monitor's own failures in SPEC §7's error shape. The rest ({@link dtable.web.ApiException},
 * Spring's own 400/404/405 errors, anything unexpected) is {@link dtable.web.ErrorAdvice}'s.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class MonitorErrorAdvice {

    /** The admin API has always answered a bad token as {@code unauthorized} (the nodes say {@code token_invalid}). */
    @ExceptionHandler(TokenException.class)
    ResponseEntity<String> token(TokenException e) {
        String hint = e.kind() == TokenException.Kind.MISSING
                ? "; admin endpoints need \"Authorization: Token <internal jwt>\"" : "";
        return error(401, "unauthorized", e.getMessage() + hint);
    }

    @ExceptionHandler(UnknownNodeException.class)
    ResponseEntity<String> unknownNode(UnknownNodeException e) {
        return error(404, "node_not_found", e.getMessage());
    }

    @ExceptionHandler(NotLeaderException.class)
    ResponseEntity<String> notLeader(NotLeaderException e) {
        return error(503, "no_leader", e.getMessage() + "; retry shortly");
    }

    /** etcd unreachable or a decision that did not finish: the caller may retry. */
    @ExceptionHandler({EtcdUnavailableException.class, DecisionTimeoutException.class})
    ResponseEntity<String> unavailable(RuntimeException e) {
        return error(503, "unavailable", e.getMessage());
    }
}
