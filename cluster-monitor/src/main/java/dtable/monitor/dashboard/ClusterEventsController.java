package dtable.monitor.dashboard;

import dtable.web.Authorizer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/cluster/events}: the cluster view as Server-Sent Events (event {@code cluster}), one
 * at once and one after every change. Needs an internal token like the other admin endpoints; since a
 * browser's EventSource cannot set headers, {@code ?token=<jwt>} is accepted here (only here).
 */
@RestController
class ClusterEventsController {

    private final ClusterEventStream stream;
    private final Authorizer authorizer;

    ClusterEventsController(ClusterEventStream stream, Authorizer authorizer) {
        this.stream = stream;
        this.authorizer = authorizer;
    }

    @GetMapping(value = {"/api/v1/cluster/events", "/api/v1/cluster/events/"}, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                      @RequestParam(value = "token", required = false) String token) {
        authorizer.internal(authorization, token);
        return stream.subscribe();
    }
}
