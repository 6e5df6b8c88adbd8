package dtable.server.slave;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReadPathsTest {

    private static final String U = "0a1b2c3d-0000-4000-8000-00000000abcd";

    @Test
    void theReadsOfSpecSection11AreRecognised() {
        for (String path : new String[] {"/dtables/" + U, "/dtables/" + U + "/", "/api/v1/dtables/" + U,
            "/api/v1/dtables/" + U + "/", "/api/v1/dtables/" + U + "/rows", "/api/v1/dtables/" + U + "/rows/",
            "/api/v1/dtables/" + U + "/rows/AbCdEfGhIjKlMnOpQrStUv", "/api/v1/dtables/" + U + "/rows/AbCd-_/",
            "/api/v1/dtables/" + U + "/metadata", "/api/v1/dtables/" + U + "/metadata/"}) {
            assertThat(ReadPaths.baseOf(path)).as(path).hasValue(U);
        }
    }

    @Test
    void otherPathsAreNot() {
        for (String path : new String[] {"/", "/ping/", "/dtables/", "/dtables/" + U + "/rows/",
            "/api/v1/dtables/" + U + "/operations/", "/api/v1/dtables/" + U + "/batch-append-rows/",
            "/api/v1/dtables/" + U + "/columns/", "/api/v1/dtables/" + U + "/rows/a/b/",
            "/api/v1/dtables/" + U + "/server-info/", "/api/v1/admin/node/", "/socket/dtables/" + U}) {
            assertThat(ReadPaths.baseOf(path)).as(path).isEmpty();
        }
        assertThat(ReadPaths.baseOf(null)).isEmpty();
    }
}
