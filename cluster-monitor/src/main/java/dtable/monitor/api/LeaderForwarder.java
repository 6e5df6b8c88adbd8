package dtable.monitor.api;

import dtable.monitor.ClusterMonitor;
import dtable.monitor.election.MonitorIdentity;
import dtable.web.ApiException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Sends an admin request a follower received to the leader's {@code monitor_url} (read from the election
 * value), with the same {@code Authorization} header, and relays status and body. A request that was
 * already forwarded once is never forwarded again (header {@value #FORWARDED_HEADER}), so two monitors
 * that disagree about the leader cannot bounce it between them.
 *
 * <p>Thread-safe; one shared {@link HttpClient}.
 */
@Component
public class LeaderForwarder {

    public static final String FORWARDED_HEADER = "X-Dtable-Forwarded-By";
    private static final Logger log = LoggerFactory.getLogger(LeaderForwarder.class);

    private final ClusterMonitor monitor;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public LeaderForwarder(ClusterMonitor monitor) {
        this.monitor = monitor;
    }

    /**
     * @param pathAndQuery e.g. {@code /rebalance/?max_moves=10}
     * @param forwardedBy  the incoming {@value #FORWARDED_HEADER} (null for a request from a client)
     */
    public ResponseEntity<String> forward(String pathAndQuery, String authorization, String body, String forwardedBy) {
        if (forwardedBy != null) {
            throw new ApiException(503, "no_leader",
                    "forwarded by " + forwardedBy + " but this monitor is not the leader; retry shortly");
        }
        Optional<MonitorIdentity> leader = monitor.election().currentLeader();
        MonitorIdentity self = monitor.leadership().self();
        if (leader.isEmpty() || leader.get().monitorUrl() == null || leader.get().monitorId().equals(self.monitorId())) {
            throw new ApiException(503, "no_leader", "no cluster-monitor leader is elected right now; retry shortly");
        }
        URI target = URI.create(stripSlash(leader.get().monitorUrl()) + pathAndQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(ClusterMonitor.DECISION_TIMEOUT.plusSeconds(5))
                .header(FORWARDED_HEADER, self.monitorId())
                .header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        try {
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            log.info("forwarded {} to leader {} -> {}", pathAndQuery, leader.get().monitorId(), answer.statusCode());
            return ResponseEntity.status(answer.statusCode()).contentType(MediaType.APPLICATION_JSON).body(answer.body());
        } catch (IOException e) {
            throw new ApiException(503, "no_leader",
                    "leader " + leader.get().monitorId() + " at " + target + " is unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "no_leader", "interrupted while forwarding to the leader");
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
