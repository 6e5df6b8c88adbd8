package dtable.proxy.forward;

/**
 * How an attempt at a node ended when it did not deliver an answer: it may be repeated
 * ({@link Retry}) or it must not ({@link Fail}); neither has touched the client's response.
 */
public sealed interface Outcome {

    /** The node did not apply the request; the attempt may be repeated (at the owner the map names then). */
    record Retry(Failure failure) implements Outcome {
    }

    /** The request must not be repeated; the client gets this error. */
    record Fail(int status, String errorType, String message) implements Outcome {
    }

    /** Why an attempt can be repeated; the label is the {@code reason} tag of the retry metric. */
    enum Reason {
        /** 307: the node no longer owns the bucket */
        MOVED("moved"),
        /** 503: moving, loading or fenced */
        UNAVAILABLE("unavailable"),
        /** connect refused or timed out: nothing reached the node */
        UNREACHABLE("unreachable"),
        /** the connection broke before the node could have applied the request (or it was a safe one) */
        CONNECTION_LOST("connection_lost"),
        /** a safe request (GET) got no response in time */
        TIMEOUT("timeout"),
        /** the map names no live owner */
        NO_OWNER("no_owner");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** A retryable failure with a line for the final error message. */
    record Failure(Reason reason, String detail) {
    }
}
