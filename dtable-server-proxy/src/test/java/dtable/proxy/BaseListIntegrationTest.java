package dtable.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.core.bucket.Bucket;
import dtable.testsupport.EtcdExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/v1/admin/dtables/} on the proxy: asked of the live nodes in id order, skipping one that
 * refuses the connection and one that answers 5xx; the token and query reach the node; each base gets the
 * owner of its bucket as {@code node_id}; a node's 4xx is passed on; no node answering is 503. And the
 * page is served at {@code /}.
 */
@Tag("integration")
class BaseListIntegrationTest {

    @RegisterExtension
    static EtcdExtension etcd = EtcdExtension.members(1);

    private static final String LIST = "{\"dtables\":[{\"dtable_uuid\":\"a1000000-0000-4000-8000-000000000001\",\"row_count\":3},"
            + "{\"dtable_uuid\":\"b2000000-0000-4000-8000-000000000002\",\"row_count\":0}]}";

    @Test
    void asksALiveNodeAndNamesTheOwnerOfEachBase() throws Exception {
        FakeNode gone = FakeNode.start("node-a");
        gone.close();                                   // registered, but its port refuses connections
        try (ProxyHarness proxy = ProxyHarness.start(etcd.endpoints(), "/base-list-test/", Duration.ofSeconds(5),
                Optional.empty());
             FakeNode failing = FakeNode.start("node-b").respond((n, exchange, r, c) -> FakeNode.unavailable(exchange));
             FakeNode answering = FakeNode.start("node-c").respond((n, exchange, r, c) -> FakeNode.sendJson(exchange,
                     r.header("Authorization").equals("Token internal-jwt") ? 200 : 403, LIST))) {
            proxy.register(gone.info());
            proxy.register(failing.info());
            proxy.own(answering.info(), Bucket.of(0xa1));

            HttpResponse<String> list = proxy.send(HttpRequest.newBuilder(proxy.uri("/api/v1/admin/dtables/?limit=5"))
                    .header("Authorization", "Token internal-jwt").GET());
            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
            JsonNode bases = JsonMapper.builder().build().readTree(list.body()).path("dtables");
            assertThat(bases).hasSize(2);
            assertThat(bases.get(0).path("node_id").asString()).isEqualTo("node-c");
            assertThat(bases.get(0).path("row_count").asInt()).isEqualTo(3);
            assertThat(bases.get(1).path("node_id").isNull()).as("bucket b2 has no owner").isTrue();
            assertThat(failing.calls()).isEqualTo(1);
            assertThat(answering.received().getLast().uri()).isEqualTo("/api/v1/admin/dtables/?limit=5");

            HttpResponse<String> refused = proxy.send(HttpRequest.newBuilder(proxy.uri("/api/v1/admin/dtables/"))
                    .header("Authorization", "Token base-jwt").GET());
            assertThat(refused.statusCode()).isEqualTo(403);

            answering.respond((n, exchange, r, c) -> FakeNode.unavailable(exchange));
            HttpResponse<String> none = proxy.get("/api/v1/admin/dtables/");
            assertThat(none.statusCode()).isEqualTo(503);
            assertThat(none.body()).contains("base_unavailable");

            HttpResponse<String> page = proxy.get("/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<script type=\"module\" src=\"js/app.js\"></script>");
            assertThat(proxy.get("/js/session.js").statusCode()).isEqualTo(200);
        }
    }
}
