package dtable.server.slave;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.testsupport.Ports;
import dtable.testsupport.SettableClock;
import jakarta.servlet.FilterChain;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The forwarding decision and mechanics against a fake slave, with a fake policy and a settable clock. */
class SlaveReadFilterTest {

    private static final String U = "0a1b2c3d-0000-4000-8000-00000000abcd";

    private final FakeSlave fake = new FakeSlave();
    private final SettableClock clock = new SettableClock(Instant.ofEpochMilli(1_000_000));
    private final AtomicInteger local = new AtomicInteger();
    private final FilterChain chain = (request, response) -> {
        local.incrementAndGet();
        ((jakarta.servlet.http.HttpServletResponse) response).setHeader("X-Dtable-Node", "node-1");
    };

    @AfterEach
    void stop() {
        fake.close();
    }

    private SlaveReadFilter filter(String slaveUrl, long rows) {
        ForwardPolicy policy = new ForwardPolicy((request, uuid) -> request.getHeader("Authorization") != null,
                uuid -> true, uuid -> rows, 10);
        return new SlaveReadFilter(policy, new SlaveClient(URI.create(slaveUrl), "node-1", clock,
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(2)));
    }

    private static MockHttpServletRequest get(String uri, String query) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
        request.setQueryString(query);
        request.addHeader("Authorization", "Token abc");
        request.addHeader("Accept", "application/json");
        request.addHeader("Connection", "keep-alive");
        return request;
    }

    @Test
    void aLargeBaseReadIsAnsweredByTheSlaveWithEverythingForwarded() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter(fake.url(), 11).doFilter(get("/api/v1/dtables/" + U + "/rows/", "table_name=T%201&level=stale"), response,
                chain);

        assertThat(local).hasValue(0);
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo(fake.body);
        assertThat(response.getHeader("X-Dtable-Node")).isEqualTo(FakeSlave.NODE);
        assertThat(response.getHeader("X-Dtable-Version")).isEqualTo("42");
        assertThat(response.getHeaders("X-Repeated")).containsExactly("first", "second");
        assertThat(fake.seen).hasSize(1);
        FakeSlave.Seen seen = fake.seen.getFirst();
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.uri()).isEqualTo("/api/v1/dtables/" + U + "/rows/?table_name=T%201&level=stale");
        assertThat(seen.header("Authorization")).isEqualTo("Token abc");
        assertThat(seen.header("Accept")).isEqualTo("application/json");
        assertThat(seen.header(SlaveClient.FORWARDED_BY_HEADER)).isEqualTo("node-1");
        assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
    }

    @Test
    void smallBasesWritesOtherPathsAndRefusedChecksStayLocal() throws Exception {
        filter(fake.url(), 10).doFilter(get("/dtables/" + U, null), new MockHttpServletResponse(), chain);
        SlaveReadFilter large = filter(fake.url(), 1000);
        MockHttpServletRequest post = new MockHttpServletRequest("POST", "/api/v1/dtables/" + U + "/rows/");
        post.addHeader("Authorization", "Token abc");
        large.doFilter(post, new MockHttpServletResponse(), chain);
        large.doFilter(get("/api/v1/dtables/" + U + "/operations/", null), new MockHttpServletResponse(), chain);
        large.doFilter(get("/dtables/not-a-uuid", null), new MockHttpServletResponse(), chain);
        large.doFilter(new MockHttpServletRequest("GET", "/dtables/" + U), new MockHttpServletResponse(), chain);

        assertThat(local).hasValue(5);
        assertThat(fake.seen).isEmpty();
    }

    @Test
    void aDeadSlaveFallsBackToLocalAndIsSkippedForAWhile() throws Exception {
        SlaveReadFilter filter = filter("http://127.0.0.1:" + Ports.free() + "/", 11);
        MockHttpServletResponse first = new MockHttpServletResponse();
        filter.doFilter(get("/dtables/" + U, null), first, chain);
        assertThat(local).hasValue(1);
        assertThat(first.getHeader("X-Dtable-Node")).isEqualTo("node-1");

        SlaveReadFilter alive = filter(fake.url(), 11);
        fake.status = 503;
        alive.doFilter(get("/dtables/" + U, null), new MockHttpServletResponse(), chain);
        assertThat(local).as("a 5xx from the slave is served locally").hasValue(2);
        assertThat(fake.seen).hasSize(1);

        fake.status = 200;
        alive.doFilter(get("/dtables/" + U, null), new MockHttpServletResponse(), chain);
        assertThat(local).as("skipped while in the retry period").hasValue(3);
        assertThat(fake.seen).hasSize(1);

        clock.advance(Duration.ofMillis(2_001));
        MockHttpServletResponse again = new MockHttpServletResponse();
        alive.doFilter(get("/dtables/" + U, null), again, chain);
        assertThat(local).hasValue(3);
        assertThat(again.getHeader("X-Dtable-Node")).isEqualTo(FakeSlave.NODE);
    }

    @Test
    void aRequestTheClientCannotSendIsServedLocallyWithoutBlamingTheSlave() throws Exception {
        SlaveReadFilter filter = filter(fake.url(), 11);
        MockHttpServletRequest odd = get("/dtables/" + U, "q=a|b c");
        filter.doFilter(odd, new MockHttpServletResponse(), chain);
        assertThat(local).hasValue(1);

        MockHttpServletResponse next = new MockHttpServletResponse();
        filter.doFilter(get("/dtables/" + U, null), next, chain);
        assertThat(next.getHeader("X-Dtable-Node")).as("the slave is not skipped").isEqualTo(FakeSlave.NODE);
    }

    @Test
    void slaveErrorsBelow500AreTheAnswer() throws Exception {
        fake.status = 404;
        fake.body = "{\"error_type\":\"dtable_not_found\",\"error_msg\":\"gone\"}";
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter(fake.url(), 11).doFilter(get("/dtables/" + U, null), response, chain);

        assertThat(local).hasValue(0);
        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.getContentAsString()).isEqualTo(fake.body);
    }
}
