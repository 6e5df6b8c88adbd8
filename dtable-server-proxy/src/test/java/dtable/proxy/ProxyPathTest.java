package dtable.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dtable.proxy.routing.ProxyPath;
import dtable.proxy.routing.ProxyPath.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyPathTest {

    private static final String UUID = "0a1b2c3d-0000-4000-8000-00000000abcd";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/api/v1/dtables/" + UUID + "/, FORWARD",
            "/api/v1/dtables/" + UUID + ", FORWARD",
            "/api/v1/dtables/" + UUID + "/rows/, FORWARD",
            "/api/v1/dtables/0A1B2C3D00004000800000000000ABCD/rows/, FORWARD",
            "/api/v1/dtables/" + UUID + "/server-info/, SERVER_INFO",
            "/api/v1/dtables/" + UUID + "/server-info, SERVER_INFO",
            "/api/v1/dtables/" + UUID + "/server-info/x/, FORWARD",
            "/api/v1/internal/dtables/" + UUID + "/operations/, FORWARD",
            "/api/v1/internal/dtables/" + UUID + ", FORWARD",
            "/dtables/" + UUID + ", FORWARD",
            "/dtables/" + UUID + "/, FORWARD",
            "/dtables/" + UUID + "/rows/, NOT_FOUND",
            "/api/v1/dtables/, NOT_FOUND",
            "/api/v1/dtables//rows/, NOT_FOUND",
            "/dtables/, NOT_FOUND",
            "/api/v1/dtables/abc/rows/, INVALID_UUID",
            "/api/v1/dtables/0a1b2c3d-0000-4000-8000-00000000abcdx/, INVALID_UUID",
            "/api/v1/internal/dtables/nope/, INVALID_UUID",
            "/dtables/nope, INVALID_UUID",
            "/ping/, NOT_FOUND",
            "/api-gateway/api/v2/dtables/" + UUID + "/, FORWARD",
            "/api-gateway/api/v2/dtables/" + UUID + "/rows/, FORWARD",
            "/api-gateway/api/v2/dtables/nope/rows/, INVALID_UUID",
            "/api-gateway/api/v2/dtables/, NOT_FOUND",
            "/api-gateway/api/v1/dtables/" + UUID + "/, NOT_FOUND",
            "/api-gateway/, NOT_FOUND",
            "/api-gateway/socket.io/, SOCKET_IO",
            "/socket.io/, SOCKET_IO",
    })
    void classifiesPaths(String path, Kind kind) {
        assertThat(ProxyPath.classify(path).kind()).isEqualTo(kind);
    }

    @Test
    void normalisesTheUuidOfForwardedPaths() {
        assertThat(ProxyPath.classify("/api/v1/dtables/0A1B2C3D00004000800000000000ABCD/").uuid().value())
                .isEqualTo(UUID);
        assertThat(ProxyPath.classify("/api/v1/dtables/" + UUID + "/").uuid().bucket().hex()).isEqualTo("0a");
    }

    @Test
    void splitsPathAndQueryAndDropsAnAbsoluteFormsHost() {
        assertThat(ProxyPath.pathOf("/api/v1/dtables/x/rows/?table_name=a/b")).isEqualTo("/api/v1/dtables/x/rows/");
        assertThat(ProxyPath.originForm("http://proxy:5550/dtables/x?y=1")).isEqualTo("/dtables/x?y=1");
        assertThat(ProxyPath.originForm("http://proxy:5550")).isEqualTo("/");
        assertThat(ProxyPath.isBasePath("/api/v1/dtables/x")).isTrue();
        assertThat(ProxyPath.isBasePath("/api/v1/internal/dtables/x")).isTrue();
        assertThat(ProxyPath.isBasePath("/dtables/x")).isTrue();
        assertThat(ProxyPath.isBasePath("/api/v1/cluster/map/")).isFalse();
        assertThat(ProxyPath.isBasePath("/actuator/health")).isFalse();
        assertThat(ProxyPath.isBasePath("/api-gateway/socket.io/?EIO=4")).isTrue();
        assertThat(ProxyPath.isBasePath("/socket.io/?EIO=4")).isTrue();
        assertThat(ProxyPath.isBasePath("/api/v2.1/dtable/app-access-token/")).isFalse();
        assertThat(ProxyPath.isBasePath("/")).isFalse();
    }

    @Test
    void apiTokensAreTheProxysOwnEndpoint() {
        assertThat(ProxyPath.isLocalEndpoint("/api/v1/dtables/" + UUID + "/api-tokens/")).isTrue();
        assertThat(ProxyPath.isLocalEndpoint("/api/v1/dtables/" + UUID + "/api-tokens")).isTrue();
        assertThat(ProxyPath.isLocalEndpoint("/api/v1/dtables/" + UUID + "/api-tokens/my%20app/")).isTrue();
        assertThat(ProxyPath.isLocalEndpoint("/api/v1/dtables/" + UUID + "/api-tokens-x/")).isFalse();
        assertThat(ProxyPath.isLocalEndpoint("/api/v1/dtables/" + UUID + "/rows/")).isFalse();
        assertThat(ProxyPath.isLocalEndpoint("/api/v1/internal/dtables/" + UUID + "/api-tokens/")).isFalse();
    }

    @Test
    void socketIoIsRoutedByItsQueryBase() {
        ProxyPath route = ProxyPath.forQueryBase("0A1B2C3D00004000800000000000ABCD");
        assertThat(route.kind()).isEqualTo(Kind.FORWARD);
        assertThat(route.bucket().hex()).isEqualTo("0a");
        assertThat(ProxyPath.forQueryBase("nope").kind()).isEqualTo(Kind.INVALID_UUID);
        assertThat(ProxyPath.forQueryBase(null).kind()).isEqualTo(Kind.NOT_FOUND);
    }

    /** The slave's read paths (its ReadController); everything else would be its 404, read by a client as "no base". */
    @ParameterizedTest
    @CsvSource({
        "/dtables/{u}, true", "/dtables/{u}/, true", "/api/v1/dtables/{u}/, true", "/api/v1/dtables/{u}, true",
        "/api/v1/dtables/{u}/metadata/, true", "/api/v1/dtables/{u}/rows/?table_name=T&limit=5, true",
        "/api/v1/dtables/{u}/rows/AbCdEf/, true", "/api/v1/dtables/{u}/rows/AbCdEf, true",
        "/api/v1/dtables/{u}/operations/?from_version=3&limit=1000, false",
        "/api/v1/dtables/{u}/rows/AbCdEf/links/, false", "/api-gateway/api/v2/dtables/{u}/, false",
        "/api-gateway/api/v2/dtables/{u}/rows/, false", "/api/v1/internal/dtables/{u}/, false",
        "/api/v1/dtables/{u}/api-tokens/, false", "/dtables/{u}/x, false"})
    void onlyTheSlavesReadsAreSentToIt(String uri, boolean served) {
        assertThat(ProxyPath.servedBySlave(uri.replace("{u}", UUID))).as(uri).isEqualTo(served);
    }

    /** The six hot row writes go to a node's write port; the same paths with another method or prefix do not. */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "POST, /api/v1/dtables/{u}/rows/, true", "POST, /api/v1/dtables/{u}/rows, true",
        "PUT, /api/v1/dtables/{u}/rows/?x=1, true", "DELETE, /api/v1/dtables/{u}/rows, true",
        "POST, /api/v1/dtables/{u}/batch-append-rows/, true", "POST, /api/v1/dtables/{u}/batch-append-rows?a=/b, true",
        "PUT, /api/v1/dtables/{u}/batch-update-rows, true", "DELETE, /api/v1/dtables/{u}/batch-delete-rows/, true",
        "GET, /api/v1/dtables/{u}/rows/, false", "PATCH, /api/v1/dtables/{u}/rows/, false",
        "PUT, /api/v1/dtables/{u}/batch-append-rows/, false", "POST, /api/v1/dtables/{u}/batch-update-rows/, false",
        "POST, /api/v1/dtables/{u}/batch-delete-rows/, false", "DELETE, /api/v1/dtables/{u}/batch-update-rows/, false",
        "PUT, /api/v1/dtables/{u}/rows/AbCdEf/, false", "PUT, /api/v1/dtables/{u}/rows//, false",
        "POST, /api/v1/dtables/{u}/rowsx/, false", "POST, /api/v1/dtables/{u}/row/, false",
        "POST, /api/v1/dtables/{u}/, false", "POST, /api/v1/dtables/{u}, false",
        "POST, /api/v1/dtables/{u}?next=/rows/, false", "POST, /api/v1/dtables//rows/, false",
        "POST, /api/v1/internal/dtables/{u}/rows/, false", "POST, /api-gateway/api/v2/dtables/{u}/rows/, false",
        "POST, /dtables/{u}/rows/, false", "POST, /api/v1/dtables/{u}/operations/, false"})
    void onlyTheSixHotRowWritesAreHotWrites(String method, String uri, boolean hot) {
        assertThat(ProxyPath.isHotWrite(method, uri.replace("{u}", UUID))).as(method + " " + uri).isEqualTo(hot);
    }
}
