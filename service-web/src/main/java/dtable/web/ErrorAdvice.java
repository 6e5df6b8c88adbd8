package dtable.web;

import dtable.core.bucket.InvalidBaseUuidException;
import dtable.core.error.BaseNotFoundException;
import dtable.core.error.BaseUnavailableException;
import dtable.core.error.ErrorBody;
import dtable.core.error.ErrorType;
import dtable.core.token.TokenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * SPEC §7's error shape {@code {"error_type","error_msg"}} for what every servlet service shares:
 * {@link ApiException}, a bad base UUID, a missing or bad token, a missing or unavailable base (node and slave), and Spring's own failures (unreadable body, missing or
 * mistyped parameter, no such endpoint, wrong method, wrong media type), then anything else as 500.
 *
 * <p>Runs last: a service's own advice (its domain exceptions) is ordered before this one, and since
 * Spring asks advices in order and takes the first that handles the exception's type, a service
 * advice must not declare a catch-all of its own.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ErrorAdvice {

    private static final Logger log = LoggerFactory.getLogger(ErrorAdvice.class);

    /** An error answer; 503s carry {@code Retry-After: 1}. */
    public static ResponseEntity<String> error(int status, String type, String message) {
        var builder = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
        if (status == 503) {
            builder.header(HttpHeaders.RETRY_AFTER, "1");
        }
        return builder.body(ErrorBody.json(type, message));
    }

    public static ResponseEntity<String> error(ErrorType type, String message) {
        return error(type.status(), type.wireName(), message);
    }

    /**
     * The answer to one of the failures every service's own code raises (an {@link ApiException}, a bad base UUID, a
     * missing or unavailable base, a missing or bad token), or null for any other. Servlet-free: a service's
     * non-servlet front (the node's write port) answers these failures with the same status, type and headers.
     */
    public static ResponseEntity<String> known(Throwable e) {
        return switch (e) {
            case ApiException api -> error(api.status(), api.errorType(), api.getMessage());
            case InvalidBaseUuidException badUuid -> error(ErrorType.INVALID_DTABLE_UUID, badUuid.getMessage());
            case BaseNotFoundException notFound -> error(ErrorType.DTABLE_NOT_FOUND, notFound.getMessage());
            case BaseUnavailableException unavailable -> {
                log.debug("base unavailable: {}", unavailable.getMessage());
                yield error(ErrorType.BASE_UNAVAILABLE, unavailable.getMessage());
            }
            // a service may answer its own type, as the monitor's {@code unauthorized}
            case TokenException token -> error(ErrorType.TOKEN_INVALID, token.getMessage());
            default -> null;
        };
    }

    /**
     * Never null: a null answer would be an empty 200. (Spring matches a handler by the exception's causes only
     * when no handler of this advice takes the exception itself, and {@link #handleUnexpected} takes every one.)
     */
    @ExceptionHandler({ApiException.class, InvalidBaseUuidException.class, BaseNotFoundException.class,
            BaseUnavailableException.class, TokenException.class})
    ResponseEntity<String> handleKnown(Exception e) {
        ResponseEntity<String> answer = known(e);
        return answer != null ? answer : unexpected(e);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<String> unreadable(HttpMessageNotReadableException e) {
        // a body without a declared length that grows past max_request_bytes fails while Spring reads it
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof LimitedBodyRequest.TooLargeException tooLarge) {
                return error(ErrorType.REQUEST_TOO_LARGE, tooLarge.getMessage());
            }
        }
        return error(ErrorType.INVALID_JSON, "request body is not readable");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<String> missingParameter(MissingServletRequestParameterException e) {
        return error(ErrorType.INVALID_PARAMETER, "parameter " + e.getParameterName() + " is required");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<String> badParameter(MethodArgumentTypeMismatchException e) {
        Class<?> type = e.getRequiredType();
        String expected = type == null ? "of another type"
                : Number.class.isAssignableFrom(type) || type.isPrimitive() ? "an integer" : "a " + type.getSimpleName();
        return error(ErrorType.INVALID_PARAMETER, "parameter " + e.getName() + " must be " + expected);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<String> method(HttpRequestMethodNotSupportedException e) {
        return error(ErrorType.METHOD_NOT_ALLOWED, e.getMessage());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<String> mediaType(HttpMediaTypeNotSupportedException e) {
        return error(ErrorType.UNSUPPORTED_MEDIA_TYPE, e.getMessage());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<String> noResource(NoResourceFoundException e) {
        return error(ErrorType.NOT_FOUND, "no such endpoint: " + e.getResourcePath());
    }

    @ExceptionHandler(NoHandlerFoundException.class)
    ResponseEntity<String> noHandler(NoHandlerFoundException e) {
        return error(ErrorType.NOT_FOUND, "no such endpoint: " + e.getRequestURL());
    }

    /**
     * An async request ran out of time. The monitor's event stream ends this way when its emitter times
     * out: that stream is already answered (200, text/event-stream), so nothing more is written to it.
     */
    @ExceptionHandler(AsyncRequestTimeoutException.class)
    ResponseEntity<String> asyncTimeout(AsyncRequestTimeoutException e, HttpServletResponse response) {
        if (response.isCommitted()) {
            return null;
        }
        return error(ErrorType.UNAVAILABLE, "the request timed out");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<String> handleUnexpected(Exception e) {
        if (e instanceof ErrorResponse spring && spring.getStatusCode().is4xxClientError()) {
            // another of Spring's own refusals (a missing header, an unacceptable Accept, ...): its status, our shape
            int status = spring.getStatusCode().value();
            HttpStatus known = HttpStatus.resolve(status);
            String type = known == null ? ErrorType.BAD_REQUEST.wireName() : known.name().toLowerCase(Locale.ROOT);
            String detail = spring.getBody().getDetail();
            return error(status, type, detail != null ? detail : e.getMessage());
        }
        return unexpected(e);
    }

    /** 500 {@code internal_error} naming only the failure's class; the failure itself goes to the log. */
    public static ResponseEntity<String> unexpected(Throwable e) {
        log.error("unexpected error", e);
        return error(ErrorType.INTERNAL_ERROR, "internal error: " + e.getClass().getSimpleName());
    }
}
