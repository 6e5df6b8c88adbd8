package dtable.slave.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class AcceptEncodingTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gzip", "gzip, deflate, br, zstd", "deflate, GZIP;q=0.5", "x-gzip", "*"})
    void gzipIsAcceptedWhenNamedOrCoveredByAStar(String acceptEncoding) {
        assertThat(ReadController.acceptsGzip(acceptEncoding)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @NullAndEmptySource
    @ValueSource(strings = {"identity", "br, deflate", "gzip;q=0", "gzip; q=0.0, identity", "gzip;q=zero", "gzipped"})
    void gzipIsNotAcceptedWhenAbsentOrRefused(String acceptEncoding) {
        assertThat(ReadController.acceptsGzip(acceptEncoding)).isFalse();
    }
}
