package dtable.slave.api;

import static dtable.web.ErrorAdvice.error;

import dtable.model.OperationException;
import dtable.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The slave's own failures with the dtable-server's types and statuses: 400 bad operation input,
 * 503 storage ({@code Retry-After}). The rest (a missing base 404, an unavailable one 503, bad input,
 * tokens, Spring's own errors, anything unexpected) is {@link dtable.web.ErrorAdvice}'s, as on the dtable-server.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class SlaveErrorAdvice {

    private static final Logger log = LoggerFactory.getLogger(SlaveErrorAdvice.class);

    @ExceptionHandler(OperationException.class)
    ResponseEntity<String> operation(OperationException e) {
        return error(e.status(), e.errorType(), e.getMessage());
    }

    @ExceptionHandler(StorageException.class)
    ResponseEntity<String> unavailable(StorageException e) {
        log.warn("read failed: {}", e.getMessage());
        return error(503, "base_unavailable", e.getMessage());
    }
}
