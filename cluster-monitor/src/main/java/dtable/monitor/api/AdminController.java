package dtable.monitor.api;

import dtable.core.assign.Move;
import dtable.monitor.ClusterMonitor;
import dtable.monitor.assignment.Decision;
import dtable.web.ApiException;
import dtable.web.Authorizer;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Admin actions (SPEC §10), internal token required: {@code POST /rebalance/} (SeaTable's curl) and
 * {@code POST /api/v1/nodes/{node_id}/drain/} / {@code undrain/}. The leader runs them on its decider
 * thread; a follower forwards them to the leader and relays the answer (503 when there is no leader).
 */
@RestController
class AdminController {

    private final ClusterMonitor monitor;
    private final Authorizer authorizer;
    private final LeaderForwarder forwarder;

    AdminController(ClusterMonitor monitor, Authorizer authorizer, LeaderForwarder forwarder) {
        this.monitor = monitor;
        this.authorizer = authorizer;
        this.forwarder = forwarder;
    }

    /** {@code ?max_moves=n} overrides {@code max_moves_per_rebalance} for this call (0 = unlimited). */
    @PostMapping({"/rebalance/", "/rebalance"})
    ResponseEntity<?> rebalance(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                                @RequestHeader(value = LeaderForwarder.FORWARDED_HEADER, required = false) String forwardedBy,
                                @RequestParam(value = "max_moves", required = false) Integer maxMoves,
                                @RequestBody(required = false) String body, HttpServletRequest request) {
        authorizer.internal(authorization, null);
        if (maxMoves != null && maxMoves < 0) {
            throw new ApiException(400, "bad_request", "max_moves must be >= 0 (0 = unlimited)");
        }
        return leaderOrForward(request, authorization, body, forwardedBy, () -> {
            Decision decision = monitor.decide(c -> c.rebalance(maxMoves, "rebalance"));
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("moved", decision.moves().size());
            answer.put("moves", moves(decision.moves()));
            answer.put("version", decision.revision());
            return answer;
        });
    }

    /** {@code drain} and {@code undrain}: one endpoint, told apart by the last path segment. */
    @PostMapping({"/api/v1/nodes/{nodeId}/{action:drain|undrain}/", "/api/v1/nodes/{nodeId}/{action:drain|undrain}"})
    ResponseEntity<?> drain(@PathVariable String nodeId, @PathVariable String action,
                            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                            @RequestHeader(value = LeaderForwarder.FORWARDED_HEADER, required = false) String forwardedBy,
                            @RequestBody(required = false) String body, HttpServletRequest request) {
        authorizer.internal(authorization, null);
        boolean draining = action.equals("drain");
        return leaderOrForward(request, authorization, body, forwardedBy, () -> drainAnswer(nodeId, draining,
                monitor.decide(c -> draining ? c.drain(nodeId) : c.undrain(nodeId))));
    }

    private ResponseEntity<?> leaderOrForward(HttpServletRequest request, String authorization, String body,
                                              String forwardedBy, Supplier<Map<String, Object>> local) {
        if (monitor.leadership().isLeader()) {
            return ResponseEntity.ok(local.get());
        }
        String pathAndQuery = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        return forwarder.forward(pathAndQuery, authorization, body, forwardedBy);
    }

    private static Map<String, Object> drainAnswer(String nodeId, boolean draining, Decision decision) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("node_id", nodeId);
        answer.put("draining", draining);
        answer.put("moved", decision.moves().size());
        answer.put("moves", moves(decision.moves()));
        answer.put("version", decision.revision());
        return answer;
    }

    private static List<Map<String, Object>> moves(List<Move> moves) {
        return moves.stream().map(m -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("bucket", m.bucket().hex());
            json.put("from", m.from());
            json.put("to", m.to());
            return json;
        }).toList();
    }
}
