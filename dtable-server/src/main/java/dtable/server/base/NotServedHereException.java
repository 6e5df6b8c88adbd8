package dtable.server.base;

import dtable.server.cluster.Route;

/** The base's bucket is not served by this node: answer 307 to the owner, or 503 when none is known. */
public class NotServedHereException extends RuntimeException {

    private final Route route;

    public NotServedHereException(Route route) {
        super(route instanceof Route.Unknown u ? u.reason() : "base is served by another node");
        this.route = route;
    }

    public Route route() {
        return route;
    }
}
