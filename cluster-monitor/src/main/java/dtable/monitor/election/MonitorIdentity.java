package dtable.monitor.election;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who a monitor is: the value it campaigns with ({@code {"monitor_id","monitor_url"}}), so followers can
 * read the leader's URL from the election and forward admin requests to it.
 */
public record MonitorIdentity(
        @JsonProperty("monitor_id") String monitorId,
        @JsonProperty("monitor_url") String monitorUrl) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public MonitorIdentity {
        Objects.requireNonNull(monitorId, "monitor_id");
    }

    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    /** Parses an election value; a value that is not our JSON becomes an identity with that text as id. */
    public static MonitorIdentity fromJson(String json) {
        try {
            return JSON.readValue(json, MonitorIdentity.class);
        } catch (RuntimeException e) {
            return new MonitorIdentity(json, null);
        }
    }
}
